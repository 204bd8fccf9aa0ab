using SriovForwarder.Silo.Configuration;
using StackExchange.Redis;

namespace SriovForwarder.Silo.Hosting;

/// <summary>Names NSM_REDIS_CONNECTION_STRING when the silo cannot join the cluster because Redis does not answer at start.</summary>
public static class ClusteringCheck
{
    /// <summary>A refusal naming the setting and the Redis endpoints (never the whole string: it may hold a password); null for other failures.</summary>
    public static StartupRefusedException? Translate(Exception failure, ForwarderSettings settings)
    {
        if (settings.Clustering != ClusteringMode.Redis)
        {
            return null;
        }

        for (var e = failure; e is not null; e = e.InnerException)
        {
            if (e is RedisConnectionException redis)
            {
                string endpoints;
                try
                {
                    endpoints = string.Join(", ", ConfigurationOptions.Parse(settings.RedisConnectionString!).EndPoints.Select(EndPointFormat));
                }
                catch (ArgumentException)
                {
                    endpoints = "its endpoints";
                }

                return new StartupRefusedException(
                    $"NSM_REDIS_CONNECTION_STRING: cannot reach Redis at {endpoints} to join cluster {settings.ClusterId} ({redis.FailureType}); check that Redis runs and is reachable from this node",
                    failure);
            }
        }

        return null;
    }

    private static string EndPointFormat(System.Net.EndPoint endpoint) => endpoint switch
    {
        System.Net.DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endpoint.ToString() ?? "?",
    };
}
