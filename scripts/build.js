#!/usr/bin/env node
/**
 * `npm run build`: the construct library compiled by jsii (dist/lib/*.js, *.d.ts and the `.jsii`
 * assembly that Python, Java, .NET and Go bindings are generated from), from a clean dist/lib, and
 * the handler copied verbatim (the template inlines that file's text, read at synth time).
 * jsii fails if the public API stops being jsii-compatible.
 */
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
fs.rmSync(path.join(root, 'dist', 'lib'), { recursive: true, force: true });
fs.rmSync(path.join(root, '.jsii'), { force: true });
execFileSync(path.join(root, 'node_modules', '.bin', 'jsii'), ['--fail-on-warnings'], {
  cwd: root,
  // jsii's summary goes to stderr, so that `npm pack --json` (prepack runs this) prints only JSON.
  stdio: ['ignore', 2, 'inherit'],
  // jsii 6 prints a banner on Node.js 20 (end of life for it) unless the variable names the running
  // major version ("20", not "1"); the build works (docs/development.md, Versions).
  env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0] },
});
fs.mkdirSync(path.join(root, 'dist', 'lib', 'logging', 'handler'), { recursive: true });
fs.copyFileSync(path.join(root, 'lib', 'logging', 'handler', 'index.js'), path.join(root, 'dist', 'lib', 'logging', 'handler', 'index.js'));
