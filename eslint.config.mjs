// ESLint for the map's own JavaScript (static/js); vendored and generated files are not ours.
// Run with `make lint` (npm ci, then eslint from the lock file's pinned version).
import js from "@eslint/js";
import globals from "globals";

export default [
  {ignores: ["static/vendor/**", "static/basemap/**", "static/js/leaflet-bundle.js", "node_modules/**"]},
  js.configs.recommended,
  {
    files: ["static/js/**/*.js"],
    languageOptions: {
      ecmaVersion: 2017,
      sourceType: "script",
      globals: {...globals.browser, L: "readonly"},
    },
    rules: {
      "no-var": "off",
      "no-implicit-globals": "error",
      // No globals of our own: a class or factory goes on L (the Leaflet plugin guide).
      "no-restricted-syntax": ["error", {
        selector: "AssignmentExpression > MemberExpression.left[object.name='window']",
        message: "no globals on window: extend L instead",
      }],
      eqeqeq: "error",
      strict: ["error", "function"],
      "no-unused-vars": ["error", {caughtErrors: "none"}],
    },
  },
];
