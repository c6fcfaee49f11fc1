import { isDiagnosticCode, messages } from '../diagnostics/index.js';

const bandTitles: Readonly<Record<string, string>> = {
  '1': 'Syntax (NN1xxx)',
  '2': 'Names (NN2xxx)',
  '3': 'Shapes (NN3xxx)',
  '4': 'Arguments (NN4xxx)',
  '5': 'Training setup (NN5xxx)',
  '6': 'Files and data (NN6xxx)',
  '8': 'Warnings and lints (NN8xxx)',
  '9': 'Internal (NN9xxx)',
};

const indent = (text: string): string =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => (l ? `    ${l}` : ''))
    .join('\n');

/** The `nn explain CODE` page (plain text), or undefined for an unknown code. */
export function explainPage(code: string): string | undefined {
  if (!isDiagnosticCode(code)) return undefined;
  const m = messages[code];
  return [`${code}: ${m.title} (${m.severity})`, '', m.explanation, '', 'Example:', '', indent(m.example), '', `Message: ${m.template}`, '', 'Fix:', '', m.fix, ''].join('\n');
}

/** docs/diagnostics.md, generated from the message table. */
export function renderDiagnosticsDoc(): string {
  const out = [
    '# Diagnostics',
    '',
    '<!-- Generated from src/diagnostics/codes/*.ts by test/checker/docs.test.ts; regenerate with NN_UPDATE_DOCS=1. -->',
    '',
    'Every diagnostic `nn` reports has a stable code. `nn explain CODE` prints the same page on the terminal.',
    '',
  ];
  const codes = Object.keys(messages).sort();
  let band = '';
  for (const code of codes) {
    const m = messages[code as keyof typeof messages];
    if (code[2] !== band) {
      band = code[2]!;
      out.push(`## ${bandTitles[band] ?? `NN${band}xxx`}`, '');
    }
    out.push(`### ${code}: ${m.title}`, '', `Severity: ${m.severity}. Message: \`${m.template}\``, '', m.explanation, '', '```nn', m.example.trimEnd(), '```', '', `**Fix.** ${m.fix}`, '');
  }
  return out.join('\n');
}
