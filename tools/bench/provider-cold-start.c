/* provider-cold-start.c: from grant_provider_registry_get_default () to
 * every module's provider listed, in a fresh process each time.
 *
 * Runs itself N times as a child (a cold registry can only be measured
 * once per process) and prints the median and the worst. The anchor is
 * the floor under any module system: a fresh process that only dlopen()s
 * the same module files and finds their entry point. The modules are the
 * build tree's unless GRANT_PROVIDER_PATH names others. Not a test.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmodule.h>

#include "grant.h"

#define RUNS 21

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
run_child (const char *self,
           const char *mode)
{
  const char *argv[] = { self, mode, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error) ||
      status != 0)
    g_error ("the child failed: %s", error ? error->message : "exit status");
  return g_ascii_strtod (out, NULL);
}

int
main (int    argc,
      char **argv)
{
  double cold[RUNS], anchor[RUNS];
  guint count = 0;

  /* The children inherit it. */
  g_setenv ("GRANT_PROVIDER_PATH", PROVIDER_BUILD_DIR, FALSE);

  if (argc == 2 && g_str_equal (argv[1], "--child"))
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(GPtrArray) providers = grant_provider_registry_list (grant_provider_registry_get_default ());

      printf ("%.3f %u\n", (g_get_monotonic_time () - start) / 1000.0, providers->len);
      return 0;
    }
  if (argc == 2 && g_str_equal (argv[1], "--dlopen"))
    {
      g_auto(GStrv) dirs = g_strsplit (g_getenv ("GRANT_PROVIDER_PATH"), ":", -1);
      gint64 start = g_get_monotonic_time ();
      guint opened = 0;

      for (guint d = 0; dirs[d] != NULL; d++)
        {
          g_autoptr(GDir) dir = g_dir_open (dirs[d], 0, NULL);
          const char *name;

          while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
            {
              g_autofree char *path = NULL;
              GModule *module;
              gpointer entry = NULL;

              if (!g_str_has_suffix (name, "." G_MODULE_SUFFIX))
                continue;
              path = g_build_filename (dirs[d], name, NULL);
              module = g_module_open (path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
              if (module != NULL && g_module_symbol (module, "g_io_module_load", &entry))
                opened++;
            }
        }
      printf ("%.3f %u\n", (g_get_monotonic_time () - start) / 1000.0, opened);
      return 0;
    }

  for (int i = 0; i < RUNS; i++)
    {
      cold[i] = run_child (argv[0], "--child");
      anchor[i] = run_child (argv[0], "--dlopen");
    }
  {
    const char *child_argv[] = { argv[0], "--child", NULL };
    g_autofree char *out = NULL;

    g_spawn_sync (NULL, (char **) child_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, NULL, NULL);
    count = out ? atoi (strchr (out, ' ') + 1) : 0;
  }
  qsort (cold, RUNS, sizeof (double), compare_doubles);
  qsort (anchor, RUNS, sizeof (double), compare_doubles);

  printf ("Provider registry cold start: get_default () to %u providers listed (%d fresh processes)\n",
          count, RUNS);
  printf ("  median %.2f ms, worst %.2f ms   (target < 5 ms for all modules)\n",
          cold[RUNS / 2], cold[RUNS - 1]);
  printf ("  anchor: dlopen () of the same module files only, median %.2f ms\n", anchor[RUNS / 2]);
  printf ("  Grant / bare dlopen = %.1fx\n", cold[RUNS / 2] / anchor[RUNS / 2]);
  return 0;
}
