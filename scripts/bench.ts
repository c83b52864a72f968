// Benchmarks: `npm run bench -- <case> [options]`. Each case prints one JSON line with its figures.
export {}
const cases = ['regrade', 'tiles', 'nearest', 'import', 'load'] as const
const name = process.argv[2]
if (!name || !(cases as readonly string[]).includes(name)) {
  console.error(`usage: npm run bench -- <${cases.join('|')}> [options]`)
  process.exit(2)
}
process.argv.splice(2, 1)
await import(`./bench/${name}.ts`)
