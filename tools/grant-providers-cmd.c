/* grant-providers-cmd.c: `grant providers` and `grant providers show ID`
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdio.h>

#include "grant.h"

int grant_providers_main (int argc, char **argv);

static const char *
protocols_text (GrantProviderProtocols protocols)
{
  if ((protocols & GRANT_PROVIDER_PROTOCOLS_OAUTH1) && (protocols & GRANT_PROVIDER_PROTOCOLS_OAUTH2))
    return "OAuth 1.0a, OAuth 2";
  if (protocols & GRANT_PROVIDER_PROTOCOLS_OAUTH1)
    return "OAuth 1.0a";
  if (protocols & GRANT_PROVIDER_PROTOCOLS_OAUTH2)
    return "OAuth 2";
  return "none";
}

static const char *
enum_nick (GType type,
           int   value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *found = g_enum_get_value (klass, value);

  return found ? found->value_nick : "?";
}

static void
show_provider (GrantProvider *provider)
{
  static const struct { GrantEndpoint which; const char *label; } endpoints[] = {
    { GRANT_ENDPOINT_AUTHORIZATION, "authorization" },
    { GRANT_ENDPOINT_TOKEN, "token" },
    { GRANT_ENDPOINT_REFRESH, "refresh" },
    { GRANT_ENDPOINT_REVOCATION, "revocation" },
    { GRANT_ENDPOINT_DEVICE_AUTHORIZATION, "device authorization" },
    { GRANT_ENDPOINT_USERINFO, "userinfo" },
    { GRANT_ENDPOINT_REQUEST_TOKEN, "OAuth 1 request token" },
    { GRANT_ENDPOINT_OAUTH1_AUTHORIZATION, "OAuth 1 authorization" },
    { GRANT_ENDPOINT_ACCESS_TOKEN, "OAuth 1 access token" },
  };
  const char * const *scopes = grant_provider_get_default_scopes (provider);
  g_autofree char *joined = scopes ? g_strjoinv (" ", (char **) scopes) : NULL;

  g_print ("%s (%s)\n", grant_provider_get_display_name (provider), grant_provider_get_id (provider));
  g_print ("  protocols              %s\n", protocols_text (grant_provider_get_protocols (provider)));
  for (guint i = 0; i < G_N_ELEMENTS (endpoints); i++)
    {
      const char *url = grant_provider_get_endpoint (provider, endpoints[i].which);

      if (url != NULL)
        g_print ("  %-22s %s\n", endpoints[i].label, url);
    }
  if (joined != NULL)
    g_print ("  default scopes         %s (separated by “%s”)\n", joined, grant_provider_get_scope_separator (provider));
  if (grant_provider_get_protocols (provider) & GRANT_PROVIDER_PROTOCOLS_OAUTH2)
    {
      g_print ("  client auth            %s\n", enum_nick (GRANT_TYPE_CLIENT_AUTH, grant_provider_get_client_auth (provider)));
      g_print ("  PKCE                   %s\n", enum_nick (GRANT_TYPE_PKCE_METHOD, grant_provider_get_pkce_method (provider)));
      g_print ("  token placement        %s\n", enum_nick (GRANT_TYPE_TOKEN_PLACEMENT, grant_provider_get_token_placement (provider)));
    }
  if (grant_provider_get_issuer (provider) != NULL)
    g_print ("  issuer                 %s\n", grant_provider_get_issuer (provider));
  if (grant_provider_get_documentation_url (provider) != NULL)
    g_print ("  documentation          %s\n", grant_provider_get_documentation_url (provider));
}

int
grant_providers_main (int    argc,
                      char **argv)
{
  GrantProviderRegistry *registry = grant_provider_registry_get_default ();

  if (argc == 1 || (argc == 2 && g_str_equal (argv[1], "list")))
    {
      g_autoptr(GPtrArray) providers = grant_provider_registry_list (registry);

      if (providers->len == 0)
        {
          g_printerr ("grant: no provider modules were found; are they installed, or is "
                      "GRANT_PROVIDER_PATH set?\n");
          return 1;
        }
      for (guint i = 0; i < providers->len; i++)
        {
          GrantProvider *provider = g_ptr_array_index (providers, i);
          const char *url = grant_provider_get_endpoint (provider, GRANT_ENDPOINT_TOKEN);

          if (url == NULL)
            url = grant_provider_get_endpoint (provider, GRANT_ENDPOINT_ACCESS_TOKEN);
          g_print ("%-14s %-22s %-20s %s\n", grant_provider_get_id (provider),
                   grant_provider_get_display_name (provider),
                   protocols_text (grant_provider_get_protocols (provider)), url ? url : "");
        }
      return 0;
    }

  if (argc == 3 && g_str_equal (argv[1], "show"))
    {
      g_autoptr(GrantProvider) provider = grant_provider_registry_lookup (registry, argv[2]);

      if (provider == NULL)
        {
          g_printerr ("grant: no provider is called “%s”; see `grant providers`\n", argv[2]);
          return 1;
        }
      show_provider (provider);
      return 0;
    }

  g_printerr ("Usage: grant providers [list]\n       grant providers show ID\n");
  return 2;
}
