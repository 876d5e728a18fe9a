/**
 * What a person pastes to drive a computer from their own code, for the Connect panel: the same
 * calls through curl, Orgo's Python SDK, the `openai` client on the agent endpoint, and the orgo
 * CLI. The key is read from ORGO_API_KEY in every one, so no snippet carries a secret.
 */
export interface Snippet {
  id: 'curl' | 'python' | 'openai' | 'cli';
  label: string;
  code: string;
}

export function connectSnippets(apiBase: string, computerId: string, computerName: string): Snippet[] {
  const base = apiBase.replace(/\/+$/, '');
  return [
    {
      id: 'curl',
      label: 'curl',
      code: `curl -s -X POST "${base}/computers/${computerId}/bash" \\\n  -H "Authorization: Bearer $ORGO_API_KEY" \\\n  -H "Content-Type: application/json" \\\n  -d '{"command": "echo hello from $(hostname)"}'`,
    },
    {
      id: 'python',
      label: 'Python (orgo)',
      code: `from orgo import Computer\n\n# The key comes from ORGO_API_KEY.\ncomputer = Computer(computer_id="${computerId}", base_api_url="${base}")\nprint(computer.bash("echo hello"))\ncomputer.screenshot()`,
    },
    {
      id: 'openai',
      label: 'openai (agent)',
      code: `import OpenAI from 'openai';\n\nconst client = new OpenAI({ baseURL: '${base}/v1', apiKey: process.env.ORGO_API_KEY });\nconst reply = await client.chat.completions.create({\n  model: 'MODEL', // one of GET ${base}/v1/models\n  messages: [{ role: 'user', content: 'Open example.com and tell me its title' }],\n  // @ts-expect-error Orgo's field: the computer the agent drives\n  computer_id: '${computerId}',\n});\nconsole.log(reply.choices[0].message.content);`,
    },
    {
      id: 'cli',
      label: 'orgo CLI',
      code: `export ORGO_API_BASE_URL=${base}\norgo bash ${/^[\w.-]+$/.test(computerName) ? computerName : computerId} -- echo hello`,
    },
  ];
}
