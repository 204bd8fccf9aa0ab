using Google.Protobuf.Collections;
using SriovForwarder.Api.Nsm.Registry;

namespace SriovForwarder.Grains.Chain.Elements;

/// <summary>Upstream discover's endpoint matching: live endpoints, filtered by the first network-service match whose source selector fits the labels.</summary>
public static class EndpointMatcher
{
    /// <summary>The candidates, in registry order.</summary>
    public static IReadOnlyList<NetworkServiceEndpoint> Match(
        DateTimeOffset now, MapField<string, string> labels, NetworkService service, IReadOnlyList<NetworkServiceEndpoint> endpoints)
    {
        var live = endpoints
            .Where(e => e.ExpirationTime is null || e.ExpirationTime.ToDateTimeOffset() > now)
            .ToList();
        foreach (var match in service.Matches)
        {
            if (!IsSubset(labels, match.SourceSelector))
            {
                continue;
            }

            var candidates = new List<NetworkServiceEndpoint>();
            foreach (var route in match.Routes)
            {
                foreach (var endpoint in live)
                {
                    var endpointLabels = endpoint.NetworkServiceLabels.GetValueOrDefault(service.Name)?.Labels;
                    if (IsSubset(endpointLabels, route.DestinationSelector))
                    {
                        candidates.Add(endpoint);
                    }
                }
            }

            if (match.Fallthrough && candidates.Count == 0)
            {
                continue;
            }

            return candidates;
        }

        return live;
    }

    private static bool IsSubset(MapField<string, string>? labels, MapField<string, string> selector) =>
        selector.All(s => labels is not null && labels.TryGetValue(s.Key, out var value) && value == s.Value);
}
