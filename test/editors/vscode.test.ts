import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { maxLiveLength } from '../../src/server/analysis.js';

const root = join(import.meta.dirname, '..', '..');
const ext = join(root, 'editors', 'vscode');
const readJson = (path: string): any => JSON.parse(readFileSync(path, 'utf8'));

interface Manifest {
  name: string;
  publisher: string;
  version: string;
  main: string;
  engines: { vscode: string };
  activationEvents?: string[];
  contributes: {
    languages: { id: string; extensions: string[]; configuration: string }[];
    grammars: { language: string; scopeName: string; path: string }[];
    commands?: { command: string }[];
  };
  dependencies: Record<string, string>;
}

const manifest = readJson(join(ext, 'package.json')) as Manifest;

describe('the VS Code extension manifest', () => {
  it('has the fields VS Code requires to load an extension', () => {
    expect(manifest.name).toMatch(/^[a-z0-9][a-z0-9-]*$/);
    expect(manifest.publisher).toMatch(/^[a-z0-9][a-z0-9-]*$/);
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(manifest.engines.vscode).toMatch(/^\^1\.\d+\.\d+$/);
    expect(existsSync(join(ext, manifest.main))).toBe(true);
  });

  it('activates on nn documents and contributes the nn language for .nn files', () => {
    expect(manifest.activationEvents).toContain('onLanguage:nn');
    const language = manifest.contributes.languages.find((l) => l.id === 'nn');
    expect(language?.extensions).toEqual(['.nn']);
  });

  it('points at a language configuration with comments, brackets, auto-closing pairs and folding', () => {
    const language = manifest.contributes.languages.find((l) => l.id === 'nn')!;
    const config = readJson(join(ext, language.configuration));
    expect(config.comments).toEqual({ lineComment: '//', blockComment: ['/*', '*/'] });
    expect(config.brackets).toEqual([['{', '}'], ['[', ']'], ['(', ')']]);
    const pairs = config.autoClosingPairs.map((p: { open: string; close: string }) => p.open + p.close);
    expect(pairs).toEqual(expect.arrayContaining(['{}', '[]', '()', '""']));
    expect(new RegExp(config.folding.markers.start).test('  // region layers')).toBe(true);
    expect(new RegExp(config.folding.markers.end).test('// endregion')).toBe(true);
    expect(new RegExp(config.indentationRules.increaseIndentPattern).test('model M {')).toBe(true);
  });

  it('contributes a grammar file that exists, whose scopeName matches, identical to grammar/nn.tmLanguage.json', () => {
    const grammar = manifest.contributes.grammars.find((g) => g.language === 'nn')!;
    const path = join(ext, grammar.path);
    expect(existsSync(path)).toBe(true);
    expect(readJson(path).scopeName).toBe(grammar.scopeName);
    expect(readFileSync(path, 'utf8')).toBe(readFileSync(join(root, 'grammar', 'nn.tmLanguage.json'), 'utf8'));
  });

  it('has a client that starts the language server with `nn lsp --stdio` from vscode-languageclient', () => {
    const client = readFileSync(join(ext, manifest.main), 'utf8');
    expect(client).toContain("require('vscode-languageclient/node')");
    expect(client).toMatch(/exports = \{ activate, deactivate \}/);
    expect(manifest.dependencies['vscode-languageclient']).toBeDefined();
    const settings = (readJson(join(ext, 'package.json')).contributes.configuration.properties) as Record<string, { default: unknown }>;
    expect([settings['nn.server.command']!.default, ...(settings['nn.server.args']!.default as string[])]).toEqual(['nn', 'lsp', '--stdio']);
    for (const id of client.match(/registerCommand\('([^']+)'/g) ?? []) {
      expect(manifest.contributes.commands?.map((c) => c.command)).toContain(id.slice("registerCommand('".length, -1));
    }
  });

  it('has a client that is valid JavaScript (compiles as a CommonJS module body)', () => {
    const client = readFileSync(join(ext, manifest.main), 'utf8');
    expect(() => new Function('require', 'module', 'exports', 'process', client)).not.toThrow();
  });

  it('sends the nn.maxDocumentLength setting to the server as an initialization option, defaulting to the server\'s limit', async () => {
    const client = readFileSync(join(ext, manifest.main), 'utf8');
    const settings = (readJson(join(ext, 'package.json')).contributes.configuration.properties) as Record<string, { default: unknown }>;
    expect(settings['nn.maxDocumentLength']!.default).toBe(maxLiveLength);
    for (const configured of [undefined, 5000]) {
      const made: unknown[][] = [];
      // the two modules the client requires, as far as activate uses them
      const vscode = {
        workspace: {
          getConfiguration: () => ({ get: (key: string, fallback: unknown) => (key === 'maxDocumentLength' && configured !== undefined ? configured : fallback) }),
          createFileSystemWatcher: () => ({}),
        },
        commands: { registerCommand: () => ({}) },
      };
      class LanguageClient {
        constructor(...args: unknown[]) {
          made.push(args);
        }
        start(): Promise<void> {
          return Promise.resolve();
        }
      }
      const require = (id: string): unknown => (id === 'vscode' ? vscode : id === 'vscode-languageclient/node' ? { LanguageClient } : undefined);
      const module = { exports: {} as { activate?: (c: unknown) => Promise<void> } };
      new Function('require', 'module', 'exports', 'process', client)(require, module, module.exports, process);
      await module.exports.activate!({ subscriptions: [] });
      expect(made).toHaveLength(1);
      expect((made[0]![3] as { initializationOptions: unknown }).initializationOptions).toEqual({ maxDocumentLength: configured ?? maxLiveLength });
    }
  });
});
