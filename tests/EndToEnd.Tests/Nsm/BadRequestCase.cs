using Grpc.Core;
using SriovForwarder.Api.Nsm.Networkservice;

namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>One bad request: how to build it from a free token and a fresh cgroup pattern, the status it must get, and what the message must name.</summary>
public sealed record BadRequestCase(string Name, Func<string, string, string, NetworkServiceRequest> Build, StatusCode Code, string Names)
{
    public override string ToString() => Name;
}
