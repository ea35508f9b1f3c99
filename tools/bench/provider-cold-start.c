/* provider-cold-start.c: from grant_provider_registry_get_default () to
 * every module's provider listed, in a fresh process each time.
 *
 * Runs itself N times as a child (a cold registry can only be measured
 * once per process) and prints the median and the worst, with the cost of
 * starting a process that does nothing as the anchor. Not a test.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
  double cold[RUNS], empty[RUNS];
  guint count = 0;

  if (argc == 2 && g_str_equal (argv[1], "--child"))
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(GPtrArray) providers = grant_provider_registry_list (grant_provider_registry_get_default ());

      printf ("%.3f %u\n", (g_get_monotonic_time () - start) / 1000.0, providers->len);
      return 0;
    }
  if (argc == 2 && g_str_equal (argv[1], "--empty"))
    {
      gint64 start = g_get_monotonic_time ();

      printf ("%.3f 0\n", (g_get_monotonic_time () - start) / 1000.0);
      return 0;
    }

  for (int i = 0; i < RUNS; i++)
    {
      cold[i] = run_child (argv[0], "--child");
      empty[i] = run_child (argv[0], "--empty");
    }
  {
    const char *child_argv[] = { argv[0], "--child", NULL };
    g_autofree char *out = NULL;

    g_spawn_sync (NULL, (char **) child_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, NULL, NULL);
    count = out ? atoi (strchr (out, ' ') + 1) : 0;
  }
  qsort (cold, RUNS, sizeof (double), compare_doubles);
  qsort (empty, RUNS, sizeof (double), compare_doubles);

  printf ("Provider registry cold start: get_default () to %u providers listed (%d fresh processes)\n",
          count, RUNS);
  printf ("  median %.2f ms, worst %.2f ms   (target < 5 ms for all modules)\n",
          cold[RUNS / 2], cold[RUNS - 1]);
  printf ("  anchor: the same timer around nothing, median %.3f ms\n", empty[RUNS / 2]);
  return 0;
}
