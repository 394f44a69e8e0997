// Registers trapcheck's TypeScript loader for this thread (workers register their own: loader
// hooks are per thread). Import it before any `.ts` module.
import { register } from 'node:module';

register('./hooks.js', import.meta.url);
