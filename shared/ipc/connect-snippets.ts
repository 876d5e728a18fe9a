/**
 * What a person pastes to drive a computer from their own code, for the Connect panel (one
 * computer) and the host's Connect view: the same computer through curl, Orgo's Python SDK, the
 * `openai` client on the agent endpoint, and the orgo CLI. The key is read from ORGO_API_KEY in
 * every one, so no snippet carries a secret. The e2e tests run the text the window shows, which
 * is this module's, so what is written here is what is tested.
 */
export interface Snippet {
  id: 'curl' | 'python' | 'openai' | 'cli';
  label: string;
  /** How to run it, in words: what to install, where to save it, the command. */
  run: string;
  code: string;
}

/** The line that puts a key where every snippet reads it. */
export const keyLine = (key: string): string => `export ORGO_API_KEY=${key}`;

/** A name the CLI takes unquoted; anything else is named by its id. */
const cliName = (name: string, id: string) => (/^[\w.-]+$/.test(name) ? name : id);

export function connectSnippets(apiBase: string, computerId: string, computerName: string): Snippet[] {
  const base = apiBase.replace(/\/+$/, '');
  return [
    {
      id: 'curl',
      label: 'curl',
      run: 'Paste into a shell.',
      code: `curl -s -X POST "${base}/computers/${computerId}/bash" \\\n  -H "Authorization: Bearer $ORGO_API_KEY" \\\n  -H "Content-Type: application/json" \\\n  -d '{"command": "echo hello from $(hostname)"}'`,
    },
    {
      id: 'python',
      label: 'Python (orgo)',
      run: 'pip install orgo, save as connect.py, then python3 connect.py',
      code: `from orgo import Computer\n\n# The key comes from ORGO_API_KEY.\ncomputer = Computer(computer_id="${computerId}", base_api_url="${base}")\nprint(computer.bash("echo hello from $(hostname)"))\ncomputer.screenshot().save("screen.png")`,
    },
    {
      id: 'openai',
      label: 'openai (agent)',
      run: 'npm install openai, save as connect.mjs, then ANTHROPIC_API_KEY=sk-ant-… node connect.mjs',
      code:
        `import OpenAI from 'openai';\n\n` +
        `// The model key goes with the request and is never stored; the host may have its own.\n` +
        `const orgo = new OpenAI({ baseURL: '${base}/v1', apiKey: process.env.ORGO_API_KEY,\n` +
        `  defaultHeaders: { 'x-anthropic-key': process.env.ANTHROPIC_API_KEY } });\n` +
        `const reply = await orgo.chat.completions.create({\n` +
        `  computer_id: '${computerId}', // Orgo's field: the computer the agent drives\n` +
        `  messages: [{ role: 'user', content: 'Open a terminal and write hello into ~/hello.txt' }],\n` +
        `});\n` +
        `console.log(reply.choices[0].message.content);`,
    },
    {
      id: 'cli',
      label: 'orgo CLI',
      run: 'Paste into a shell (orgo: the app\u2019s tray installs it, or npx orgo in the project).',
      code: `export ORGO_API_BASE_URL=${base}\norgo bash ${cliName(computerName, computerId)} -- 'echo hello from $(hostname)'`,
    },
  ];
}
