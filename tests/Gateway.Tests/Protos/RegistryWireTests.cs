using Google.Protobuf;
using SriovForwarder.Api.Nsm.Registry;
using static SriovForwarder.Gateway.Tests.Protos.Wire;

namespace SriovForwarder.Gateway.Tests.Protos;

/// <summary>Decodes and re-encodes hand-built NSM registry vectors (upstream-behaviour.md section 10.4).</summary>
public sealed class RegistryWireTests
{
    // registry.NetworkServiceEndpoint: 1 name, 2 network_service_names, 3 network_service_labels map<string, NetworkServiceLabels>,
    // 4 url, 5 expiration_time, 6 initial_registration_time, 7 path_ids.
    private static readonly byte[] Endpoint = Msg(
        Str(0x0A, "forwarder-sriov-node1"),
        Str(0x12, "forwarder"),
        Len(0x1A, Str(0x0A, "forwarder"), Len(0x12, MapEntry(0x0A, "p2p", "true"))),
        Str(0x22, "unix:///var/lib/networkservicemesh/sriov.sock"),
        Len(0x2A, Var(0x08, 1_700_000_060)),
        Len(0x32, Var(0x08, 1_700_000_000), Var(0x10, 7)),
        Str(0x3A, "path-id-1"));

    // registry.NetworkService: 1 name, 2 payload, 3 matches, 4 path_ids; Match: 1 source_selector, 2 routes, 3 fallthrough,
    // 4 metadata; Destination: 1 destination_selector, 2 weight; Metadata: 1 labels.
    private static readonly byte[] Service = Msg(
        Str(0x0A, "sriov-ns"),
        Str(0x12, "ETHERNET"),
        Len(0x1A,
            MapEntry(0x0A, "app", "{{.app}}"),
            Len(0x12, MapEntry(0x0A, "serviceDomain", "worker.domain"), Var(0x10, 2)),
            Var(0x18, 1),
            Len(0x22, MapEntry(0x0A, "tier", "gold"))),
        Str(0x22, "path-id-1"));

    [Fact]
    public void NetworkServiceEndpoint_HandBuiltVector_DecodesEveryFieldAndLabelsMap()
    {
        var endpoint = NetworkServiceEndpoint.Parser.ParseFrom(Endpoint);

        Assert.Equal("forwarder-sriov-node1", endpoint.Name);
        Assert.Equal(["forwarder"], endpoint.NetworkServiceNames);
        Assert.Equal("true", endpoint.NetworkServiceLabels["forwarder"].Labels["p2p"]);
        Assert.Equal("unix:///var/lib/networkservicemesh/sriov.sock", endpoint.Url);
        Assert.Equal(1_700_000_060L, endpoint.ExpirationTime.Seconds);
        Assert.Equal(1_700_000_000L, endpoint.InitialRegistrationTime.Seconds);
        Assert.Equal(7, endpoint.InitialRegistrationTime.Nanos);
        Assert.Equal(["path-id-1"], endpoint.PathIds);
        Assert.Equal(Endpoint, endpoint.ToByteArray());
    }

    [Fact]
    public void NetworkServiceEndpointQueryAndResponse_HandBuiltVectors_DecodeEndpointAndFlags()
    {
        byte[] queryBytes = Msg(Len(0x0A, Endpoint), Var(0x10, 1));
        byte[] responseBytes = Msg(Len(0x0A, Endpoint), Var(0x10, 1));

        var query = NetworkServiceEndpointQuery.Parser.ParseFrom(queryBytes);
        var response = NetworkServiceEndpointResponse.Parser.ParseFrom(responseBytes);

        Assert.Equal("forwarder-sriov-node1", query.NetworkServiceEndpoint.Name);
        Assert.True(query.Watch);
        Assert.Equal("forwarder-sriov-node1", response.NetworkServiceEndpoint.Name);
        Assert.True(response.Deleted);
        Assert.Equal(queryBytes, query.ToByteArray());
        Assert.Equal(responseBytes, response.ToByteArray());
    }

    [Fact]
    public void NetworkService_HandBuiltVector_DecodesMatchesDestinationsAndMetadata()
    {
        var service = NetworkService.Parser.ParseFrom(Service);

        Assert.Equal("sriov-ns", service.Name);
        Assert.Equal("ETHERNET", service.Payload);
        var match = Assert.Single(service.Matches);
        Assert.Equal("{{.app}}", match.SourceSelector["app"]);
        var destination = Assert.Single(match.Routes);
        Assert.Equal("worker.domain", destination.DestinationSelector["serviceDomain"]);
        Assert.Equal(2u, destination.Weight);
        Assert.True(match.Fallthrough);
        Assert.Equal("gold", match.Metadata.Labels["tier"]);
        Assert.Equal(["path-id-1"], service.PathIds);
        Assert.Equal(Service, service.ToByteArray());
    }

    [Fact]
    public void NetworkServiceQueryAndResponse_HandBuiltVectors_DecodeServiceAndFlags()
    {
        byte[] queryBytes = Msg(Len(0x0A, Service), Var(0x10, 1));
        byte[] responseBytes = Msg(Len(0x0A, Service), Var(0x10, 1));

        var query = NetworkServiceQuery.Parser.ParseFrom(queryBytes);
        var response = NetworkServiceResponse.Parser.ParseFrom(responseBytes);

        Assert.Equal("sriov-ns", query.NetworkService.Name);
        Assert.True(query.Watch);
        Assert.True(response.Deleted);
        Assert.Equal(queryBytes, query.ToByteArray());
        Assert.Equal(responseBytes, response.ToByteArray());
    }
}
