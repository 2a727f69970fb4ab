import { defineConfig, type Plugin } from 'vitest/config';

// The panel's CSP (script-src 'self': no 'unsafe-eval', no 'wasm-unsafe-eval') refuses
// two things protobufjs/minimal pulls in, and the browser needs neither:
// - @protobufjs/inquire calls eval("require") to find optional Node modules;
// - long.js compiles a small WebAssembly module at load (the decoder reads 64-bit
//   integers as bigint itself).
// Both are replaced by stubs in the bundle: inquire answers null, long exports null
// (protobufjs then runs without Long).
function cspSafeProtobuf(): Plugin {
  return {
    name: 'futugw-csp-safe-protobuf',
    enforce: 'pre',
    load(id) {
      if (/[\\/]@protobufjs[\\/]inquire[\\/]index\.js$/.test(id)) {
        return 'module.exports = function inquire() { return null; };\n';
      }
      if (/[\\/]node_modules[\\/]long[\\/]/.test(id)) {
        return 'module.exports = null;\n';
      }
      return null;
    },
  };
}

// No React plugin: esbuild compiles JSX with the automatic runtime.
export default defineConfig({
  esbuild: { jsx: 'automatic' },
  plugins: [cspSafeProtobuf()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
  },
  server: {
    // `npx vite` against a running stack (make run): the edge serves /api and /ws.
    proxy: {
      '/api': 'http://127.0.0.1:22222',
      '/ws': { target: 'ws://127.0.0.1:22222', ws: true },
    },
  },
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
  },
});
