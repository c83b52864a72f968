import { defineConfig } from 'vite'

// The web app lives in web/ and is built into dist/web, which the API server serves at `/`.
// In development (`npx vite`), API, tile and glyph requests go to the server on port 3000.
const apiServer = 'http://127.0.0.1:3000'

export default defineConfig({
  root: 'web',
  base: '/',
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // MapLibre GL alone is ~1 MB minified; one chunk for it is expected, not a warning.
    chunkSizeWarningLimit: 2000,
  },
  server: {
    proxy: {
      '/api': apiServer,
      '/tiles': apiServer,
      '/glyphs': apiServer,
    },
  },
})
