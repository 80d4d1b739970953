import neostandard from 'neostandard'

// The style in use: standard's (no semicolons, two spaces, a space before a function's
// parentheses, single quotes), with TypeScript, as neostandard's flat config has it; the rules
// below are where the code's own style, as STYLE.md shows it, differs.
export default [
  ...neostandard({
    ts: true,
    ignores: ['dist/**', '.cache/**', '.scratch/**', 'data/**', 'coverage/**', '.tap/**', 'test/client/schema.ts']
  }),
  {
    rules: {
      // Short objects stay on one line beside longer ones (STYLE.md's route example does this).
      '@stylistic/object-property-newline': 'off',
      '@stylistic/object-curly-newline': 'off',
      // A TypeBox schema and its type share a name (`const Agent = Type.Object(...)`, `type Agent = Static<typeof Agent>`); tsc catches real redeclarations.
      '@typescript-eslint/no-redeclare': 'off',
      // `void promise` marks a deliberate fire-and-forget (timers, event handlers).
      'no-void': ['error', { allowAsStatement: true }],
      // Waits such as `while (received < n) await tick()` end by callbacks the rule cannot see.
      'no-unmodified-loop-condition': 'off'
    }
  },
  {
    // Plugin code under test is JavaScript in strings, template literals included.
    files: ['test/**'],
    rules: { 'no-template-curly-in-string': 'off' }
  }
]
