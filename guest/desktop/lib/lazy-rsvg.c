/*
 * librsvg, loaded on first use: a stand-in for librsvg-2.so.2 that openbox (libobrender) and
 * tint2 link against. Loading the real library at start costs each of them ~0.7 MB of private
 * memory (its Rust relocations, and for tint2 libxml2, ICU and libstdc++ with it) in every
 * computer, although no SVG is ever drawn by either on this desktop (their icons are PNG files
 * and windows' own _NET_WM_ICON pixels). The first call of any function here loads the real
 * library (REAL_LIBRSVG, by path) and goes on there, so an SVG icon still works.
 *
 * Only the functions those two programs call are here (nm -D --undefined-only); the session
 * puts this file's folder in LD_LIBRARY_PATH for them alone, and the constructor takes it out
 * of the environment again so that nothing they start (a terminal, Chromium, pcmanfm and its
 * SVG loader) ever sees this stand-in.
 *
 * The session also hands the two glibc's one-arena setting (GLIBC_TUNABLES, read once as the
 * process starts): pango reads the fonts' configuration in a thread of its own, whose malloc
 * arena would keep ~0.2 MB of each program for good. Taken out of the environment here too, so
 * Chromium and the rest keep glibc's defaults.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>

#ifndef REAL_LIBRSVG
#error "build with -DREAL_LIBRSVG=\"/usr/lib/<multiarch>/librsvg-2.so.2\""
#endif

typedef struct _GError GError;

static void *real(const char *name) {
  static void *lib;
  if (!lib) lib = dlopen(REAL_LIBRSVG, RTLD_NOW | RTLD_LOCAL);
  return lib ? dlsym(lib, name) : NULL;
}

/* Each function resolves its real self once; without the real library it fails as librsvg
   would on an unreadable file (NULL, FALSE, nothing). */
#define FORWARD(ret, name, params, args) \
  ret name params { \
    static ret (*f) params; \
    if (!f) f = (ret (*) params) real(#name); \
    return f ? f args : (ret) 0; \
  }

FORWARD(void *, rsvg_handle_new_from_file, (const char *file, GError **error), (file, error))
FORWARD(void *, rsvg_handle_get_pixbuf, (void *handle), (handle))
FORWARD(int, rsvg_handle_close, (void *handle, GError **error), (handle, error))
FORWARD(int, rsvg_handle_render_cairo, (void *handle, void *cr), (handle, cr))

void rsvg_handle_get_dimensions(void *handle, void *dimensions) {
  static void (*f)(void *, void *);
  if (!f) f = (void (*)(void *, void *)) real("rsvg_handle_get_dimensions");
  if (f) f(handle, dimensions);
}

__attribute__((constructor)) static void not_for_children(void) {
  unsetenv("LD_LIBRARY_PATH");
  unsetenv("GLIBC_TUNABLES");
}
