/**
 * "Wrong method" as HTTP says it: a path that a route serves, asked with a method it does not
 * serve, is 405 with the methods it does serve in `Allow` (not the 404 of a path nobody serves).
 */
import type { FastifyInstance } from 'fastify';

export class RouteMethods {
  private readonly routes: Array<{ url: string; pattern: RegExp; methods: Set<string> }> = [];

  /** Records every route registered from now on (call before the routes are added). */
  watch(app: FastifyInstance): void {
    app.addHook('onRoute', (route) => {
      const methods = [route.method].flat().map((m) => m.toUpperCase());
      const pattern = RouteMethods.compile(route.url);
      const known = this.routes.find((r) => r.pattern.source === pattern.source);
      if (known) for (const m of methods) known.methods.add(m);
      else this.routes.push({ url: route.url, pattern, methods: new Set(methods) });
    });
  }

  /** The methods served at `path`, or none when no route serves it. */
  allowed(path: string): string[] {
    const methods = new Set<string>();
    for (const r of this.routes) if (r.pattern.test(path)) for (const m of r.methods) methods.add(m);
    return [...methods].sort();
  }

  private static compile(url: string): RegExp {
    const body = url
      .split('/')
      .map((part) => (part.startsWith(':') ? '[^/]+' : part === '*' ? '.*' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    return new RegExp(`^${body}/?$`);
  }
}
