#!/usr/bin/env node
// Checked before anything is imported, so an old Node.js gets this line rather than a syntax error.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19) || (major === 22 && minor < 12) || major === 21) {
  process.stderr.write(
    `apigw-log-analytics needs Node.js 20.19+, 22.12+ or 24 (this is ${process.version}). Install a current LTS from https://nodejs.org.\n`,
  );
  process.exitCode = 1;
} else {
  const { main } = await import('../dist/main.js');
  await main();
}
