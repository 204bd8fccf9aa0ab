using Google.Protobuf.WellKnownTypes;
using SriovForwarder.Api.Nsm.Registry;

namespace SriovForwarder.Gateway.Registry;

/// <summary>Builds the endpoint record the forwarder registers (upstream §7.1), and when to refresh it.</summary>
public static class RegistrationRequest
{
    /// <summary>The record: name, <c>[NSM_NSNAME]</c>, <c>{NSM_NSNAME: {labels: NSM_LABELS}}</c>, our URL, and <paramref name="now"/> + lifetime as expiration.</summary>
    public static NetworkServiceEndpoint Build(RegistrationOptions options, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(options);
        var labels = new NetworkServiceLabels();
        labels.Labels.Add(options.Labels.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));
        return new NetworkServiceEndpoint
        {
            Name = options.Name,
            NetworkServiceNames = { options.NetworkServiceName },
            NetworkServiceLabels = { [options.NetworkServiceName] = labels },
            Url = options.Url,
            ExpirationTime = Timestamp.FromDateTimeOffset(now + options.Lifetime),
        };
    }

    /// <summary>
    /// When to register again: after 2/3 of the time left until the expiration the registry returned (as upstream's refresh),
    /// or, when it returned none, 2/3 of the time left until the one we asked for.
    /// </summary>
    public static TimeSpan RefreshDelay(NetworkServiceEndpoint sent, NetworkServiceEndpoint returned, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(sent);
        ArgumentNullException.ThrowIfNull(returned);
        var expiration = (returned.ExpirationTime ?? sent.ExpirationTime).ToDateTimeOffset();
        var left = expiration - now;
        // An expiration already past (clock skew) still gets a short pause rather than a busy loop.
        return left <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(100) : left * 2 / 3;
    }
}
