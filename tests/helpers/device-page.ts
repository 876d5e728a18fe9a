/** Drives the host's verification page over HTTP as a browser would: sign in, then approve or deny. */
export interface PageAnswer {
  status: number;
  html: string;
  headers: Headers;
}

export class DevicePage {
  private cookie = '';
  constructor(readonly origin: string) {}

  async get(path: string): Promise<PageAnswer> {
    const res = await fetch(this.origin + path, { headers: this.cookie ? { cookie: this.cookie } : {}, redirect: 'manual' });
    return { status: res.status, html: await res.text(), headers: res.headers };
  }

  async post(path: string, form: Record<string, string>, extra: Record<string, string> = {}): Promise<PageAnswer> {
    const res = await fetch(this.origin + path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: this.origin, ...(this.cookie ? { cookie: this.cookie } : {}), ...extra },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
    });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0]!;
    return { status: res.status, html: await res.text(), headers: res.headers };
  }

  static csrf(html: string): string {
    const m = /name="csrf" value="([^"]+)"/.exec(html);
    if (!m) throw new Error('no CSRF token on the page');
    return m[1]!;
  }

  async signIn(apiKey: string, userCode = ''): Promise<PageAnswer> {
    return this.post('/device/signin', { api_key: apiKey, user_code: userCode });
  }

  /** Signs in (if needed), opens the code and decides. Answers the final page. */
  async decide(userCode: string, ownerKey: string, decision: 'approve' | 'deny'): Promise<PageAnswer> {
    if (!this.cookie) await this.signIn(ownerKey, userCode);
    const confirm = await this.get(`/device?user_code=${encodeURIComponent(userCode)}`);
    if (confirm.status !== 200 || !confirm.html.includes('Approve this device?')) throw new Error(`no confirmation page: ${confirm.status} ${confirm.html.slice(0, 300)}`);
    return this.post('/device/decide', { csrf: DevicePage.csrf(confirm.html), user_code: userCode, decision });
  }
}
