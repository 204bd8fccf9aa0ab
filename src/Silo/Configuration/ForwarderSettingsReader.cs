using System.Collections;

namespace SriovForwarder.Silo.Configuration;

/// <summary>Reads <see cref="ForwarderSettings"/> from environment variables, reporting every problem at once.</summary>
public static class ForwarderSettingsReader
{
    /// <summary>Reads the settings from <paramref name="environment"/>; a missing key or a null value means unset.</summary>
    public static ForwarderSettingsReadResult Read(IReadOnlyDictionary<string, string?> environment)
    {
        var settings = new ForwarderSettings();
        var problems = new List<string>();
        foreach (var variable in ForwarderSettingsVariables.All)
        {
            if (!environment.TryGetValue(variable.Name, out var value) || value is null)
            {
                continue;
            }

            var result = variable.Parse(settings, value);
            if (result.Problem is { } problem)
            {
                problems.Add($"{variable.Name}={EnvSyntax.Quote(variable.IsSecret ? "***" : value)}: {problem}");
            }
            else
            {
                settings = result.Settings!;
            }
        }

        settings = CheckTogether(settings, environment, problems);
        // What the options classes refuse (a relative NSM_VFIO_PATH, a zero NSM_DIAL_TIMEOUT) joins the same report.
        problems.AddRange(ForwarderOptionsValidation.Problems(settings));
        return new ForwarderSettingsReadResult(problems.Count == 0 ? settings : null, problems);
    }

    /// <summary>Reads the settings from this process's environment.</summary>
    public static ForwarderSettingsReadResult ReadProcessEnvironment()
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = entry.Value as string;
        }

        return Read(environment);
    }

    // Rules that involve more than one variable.
    private static ForwarderSettings CheckTogether(ForwarderSettings settings, IReadOnlyDictionary<string, string?> environment, List<string> problems)
    {
        if (settings.Clustering == ClusteringMode.Redis)
        {
            if (string.IsNullOrWhiteSpace(settings.RedisConnectionString))
            {
                problems.Add("NSM_REDIS_CONNECTION_STRING is not set: it is required when NSM_CLUSTERING=redis; give a StackExchange.Redis connection string such as redis:6379");
            }

            if (!environment.TryGetValue("NSM_ADVERTISED_IP", out var advertised) || advertised is null)
            {
                // 127.0.0.1 would make this silo unreachable from the others; let Orleans pick an address instead.
                settings = settings with { AdvertisedIp = null };
            }
        }

        if (settings.SiloPort == settings.GatewayPort)
        {
            problems.Add($"NSM_SILO_PORT and NSM_GATEWAY_PORT are both {settings.SiloPort}: use two different ports");
        }

        return settings;
    }
}
