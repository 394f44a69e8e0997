/**
 * binaryen.js as every module here imports it: loaded with its C++ calls kept inside wasm
 * (./binaryen-invoke-bypass.ts, which starts intercepting when it is evaluated, i.e. just before
 * 'binaryen' below). Importing 'binaryen' directly still works, but in a thread where that
 * happens first the bypass cannot apply (`binaryenInvokeBypass()` then says so).
 */
import { settleBinaryenInvokeBypass } from './binaryen-invoke-bypass.ts';
import binaryen from 'binaryen';

settleBinaryenInvokeBypass();

export default binaryen;
