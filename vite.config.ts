import fs from 'node:fs'
import path from 'node:path'
import { defineConfig } from 'vite'

// The web app lives in web/ and is built into dist/web, which the API server serves at `/`.
// In development (`npx vite`), API, tile and glyph requests go to the server on port 3000.
const apiServer = 'http://127.0.0.1:3000'
const webRoot = path.resolve(import.meta.dirname, 'web')

// Every web/*.html is a page of the app (index = the staff map, public = the public portal, …).
const pages = Object.fromEntries(
  fs
    .readdirSync(webRoot)
    .filter((name) => name.endsWith('.html'))
    .map((name) => [name.replace(/\.html$/, ''), path.join(webRoot, name)]),
)

export default defineConfig({
  root: 'web',
  base: '/',
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // MapLibre GL alone is ~1 MB minified; one chunk for it is expected, not a warning.
    chunkSizeWarningLimit: 2000,
    rollupOptions: { input: pages },
  },
  server: {
    proxy: {
      '/api': apiServer,
      '/tiles': apiServer,
      '/ogc': apiServer,
      '/glyphs': apiServer,
    },
  },
})
