using System.Collections.Concurrent;
using Grpc.Core;
using SriovForwarder.Api.Kubelet.DevicePlugin.V1Beta1;

namespace SriovForwarder.Gateway.Tests.Transport;

/// <summary>A stand-in kubelet Registration service that records what it was sent.</summary>
public sealed class FakeRegistration : Registration.RegistrationBase
{
    public ConcurrentQueue<RegisterRequest> Requests { get; } = new();

    public override Task<Empty> Register(RegisterRequest request, ServerCallContext context)
    {
        Requests.Enqueue(request);
        return Task.FromResult(new Empty());
    }
}
