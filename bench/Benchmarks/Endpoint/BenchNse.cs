using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;

namespace SriovForwarder.Benchmarks.Endpoint;

/// <summary>The stand-in next hop: echoes the connection with its first mechanism (also the bare gRPC echo of the ratio).</summary>
public sealed class BenchNse : NetworkService.NetworkServiceBase
{
    public override Task<Connection> Request(NetworkServiceRequest request, ServerCallContext context)
    {
        var answer = request.Connection.Clone();
        answer.Mechanism = request.MechanismPreferences.FirstOrDefault()?.Clone() ?? answer.Mechanism;
        return Task.FromResult(answer);
    }

    public override Task<Empty> Close(Connection request, ServerCallContext context) => Task.FromResult(new Empty());
}
