using Grpc.Core;
using SriovForwarder.Api.Kubelet.DevicePlugin.V1Beta1;

namespace SriovForwarder.Benchmarks.DevicePlugin;

/// <summary>Kubelet's Registration service as a bench stand-in: notes the arrival of each Register and accepts it.</summary>
public sealed class StandInRegistrationService(RegisterRecorder recorder) : Registration.RegistrationBase
{
    public override Task<Empty> Register(RegisterRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        recorder.Registered(request.ResourceName);
        return Task.FromResult(new Empty());
    }
}
