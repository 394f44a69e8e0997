/**
 * A finding report as Markdown, in the order an upstream maintainer reads it: what and where,
 * the module, the command with the runtime alone and what it printed, what the spec expects
 * (cited), which versions have it, then the trapcheck lines that re-run it. Pure: everything
 * was measured before (write-reports.ts).
 */
import { formatExpected } from '../../judge.ts';
import type { CaseSource } from './finding-case.ts';
import type { FindingReport, RuntimeCommand } from './report-model.ts';

const SOURCE_TITLE: Record<CaseSource, string> = {
  promoted: 'Minimal module (shrunk: parameters, then the module)',
  'parameter-shrunk': 'Minimal module (shrunk parameters)',
  unshrunk: 'Module (not shrunk)',
};

/** Output as text a Markdown code block can hold: control characters written as escapes, long output cut. */
function printable(text: string, max = 4000): string {
  const shown = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return shown.length > max ? `${shown.slice(0, max)}\n… (${shown.length - max} more characters)` : shown;
}

function fence(lang: string, body: string): string[] {
  const ticks = body.includes('```') ? '````' : '```';
  return [`${ticks}${lang}`, body.replace(/\n$/, ''), ticks];
}

function commandSection(r: FindingReport, cmd: RuntimeCommand): string[] {
  const out = [`## Command (${cmd.runtime} alone, its own CLI)`, ''];
  if ('none' in cmd) return [...out, `No single-runtime command: ${cmd.none}.`, ''];
  const rebuild = cmd.files.includes('case.wasm') ? ' (`wat2wasm case.wat -o case.wasm` rebuilds case.wasm)' : '';
  out.push(cmd.note, '', ...fence('sh', [`cd ${r.dir}   # ${cmd.files.join(', ')} ${cmd.files.length > 1 ? 'are' : 'is'} here${rebuild}`, ...cmd.runs.map((x) => x.shell)].join('\n')), '');
  out.push(`Here \`${cmd.program}\` is \`${cmd.binary}\` (${cmd.versionLine}).`, '');
  if (cmd.elsewhere) out.push('The same with the runtime\'s usual CLI:', '', ...fence('sh', cmd.elsewhere), '');
  out.push(`### Observed (that command, run here)`, '');
  for (const run of cmd.runs) {
    const end = run.timedOut ? 'killed by the watchdog (no end within 20 s)' : run.signal ? `killed by ${run.signal}` : `exit status ${run.status}`;
    out.push(`${end}; stdout then stderr:`, '', ...fence('', `${printable(run.stdout)}${run.stdout && run.stderr ? '\n--- stderr ---\n' : ''}${printable(run.stderr)}` || '(no output)'), '');
  }
  return out;
}

function versionsSection(r: FindingReport): string[] {
  const out = ['## Versions available here', ''];
  if (!r.versions.results.length) return [...out, `No other version of ${r.runtimes.join(', ')} is available here (not a native runtime with several versions).`, ''];
  out.push('The same case through trapcheck\'s adapter for each version (judged as in the campaign):', '', '| runtime | version | result | verdict | observed per step |', '|---|---|---|---|---|');
  for (const v of r.versions.results) out.push(`| ${v.runtime} | ${v.version} | **${v.status}** | ${v.detail.replace(/\|/g, '\\|')} | ${v.observed.replace(/\|/g, '\\|')} |`);
  out.push('');
  const families = [...new Set(r.versions.results.map((v) => v.family))];
  for (const fam of families) {
    const mine = r.versions.results.filter((v) => v.family === fam);
    const buggy = mine.filter((v) => v.status === 'has the bug').map((v) => v.runtime);
    const fixed = r.versions.fixedIn[fam];
    if (r.kind === 'differential') continue;
    out.push(`- ${fam}: ${buggy.length ? `has the bug: ${buggy.join(', ')}` : 'no version here fails with this signature'}; ${fixed ? `**fixed in ${fixed}**` : buggy.length ? 'not fixed in any version here' : ''}`.replace(/; $/, ''));
  }
  return [...out, ''];
}

function involvedSection(r: FindingReport): string[] {
  if (r.kind === 'verdict') return [];
  const out = ['## Runtimes involved', ''];
  if (r.kind === 'oracle')
    out.push(
      `Independent engines agree against trapcheck's expectation: ${r.runtimes.join(', ')}. This is a **suspected oracle bug** (trapcheck's expectation may be wrong), not a runtime bug, until the spec rule below is checked.`,
      r.agreedBy.length ? `Agree with the expectation: ${r.agreedBy.join(', ')}.` : 'No runtime of the campaign agreed with the expectation.',
    );
  else out.push(`The two sides disagree while neither fails the expectation: **${r.runtimes[0]}** vs **${r.runtimes[1]}**.`, r.agreedBy.length ? `Agree with the expectation: ${r.agreedBy.join(', ')}.` : '');
  return [...out.filter((l) => l !== ''), ''];
}

export function renderReport(r: FindingReport): string {
  const has = r.versions.results.filter((v) => v.status === 'has the bug').map((v) => v.runtime);
  const passes = r.versions.results.filter((v) => v.status === 'passes').map((v) => v.runtime);
  const fixed = Object.values(r.versions.fixedIn);
  const lines: string[] = [
    `# ${r.title}`,
    '',
    `**Runtime:** ${r.runtimeVersions.map((x) => `${x.name} (${x.versionLine})`).join('; ')}. **Kind:** ${r.kind === 'verdict' ? 'fails its expectation' : r.kind === 'oracle' ? 'suspected oracle bug' : 'differential'}.`,
    ...(r.kind !== 'differential' && r.versions.results.length ? [`**Has it here:** ${has.join(', ') || 'none'}. **Passes here:** ${passes.join(', ') || 'none'}. **Fixed in a version here:** ${fixed.join(', ') || 'no'}.`] : []),
    `**Seen:** ${r.count} case(s) in ${r.campaigns.length} campaign(s) (${r.campaigns.join(', ')}).`,
    '',
    `Signature: \`${r.signature}\``,
    '',
    `## ${SOURCE_TITLE[r.module.source]}`,
    '',
    r.module.note,
    '',
    ...fence('wat', r.module.wat),
    '',
    'Steps of the case (each `invoke` calls an export of one instance, in order):',
    '',
    '| step | op | expected | then checked |',
    '|---|---|---|---|',
    ...r.steps.map((s, k) => `| ${k} | ${s.op}${s.export ? ` \`${s.export}\`${s.args.length ? ` (${s.args.join(', ')})` : ''}` : ''} | ${s.expected ? formatExpected(s.expected) : 'state only'} | ${s.state.join('; ')} |`),
    '',
  ];
  for (const cmd of r.commands) lines.push(...commandSection(r, cmd));
  // the judge's reason often just repeats expected and observed
  const reason = r.first.reason && !(r.first.observed && r.first.reason.includes(r.first.observed)) ? ` (${r.first.reason})` : '';
  lines.push('## Observed (campaign)', '', `On the case as first generated (\`${r.first.id}\`): expected ${r.first.expected ?? '(not recorded)'}; observed ${r.first.observed ?? '(not recorded)'}${reason}.`, '');
  const decisive = r.steps[r.decidingStep];
  const state = decisive?.state.length ? `, then ${decisive.state.join(', ')}` : '';
  lines.push('## Expected, and the rule', '', `Step ${r.decidingStep} (${decisive?.op ?? '?'}) must give ${decisive?.expected ? formatExpected(decisive.expected) : 'the expected state'}${state}:`, '');
  for (const rule of r.spec) lines.push(`- ${rule.section}: ${rule.rule}`);
  if (!r.spec.length) lines.push('- (no spec section on record for this outcome)');
  lines.push('', ...involvedSection(r), ...versionsSection(r));
  lines.push('## trapcheck', '', ...fence('sh', [`npx trapcheck replay ${r.dir}/case.json --runtime ${r.runtimes[0]}`, r.replay].join('\n')), '');
  return lines.join('\n');
}
