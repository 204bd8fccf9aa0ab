using System.Threading.Channels;
using Grpc.Core;
using SriovForwarder.Api.Kubelet.DevicePlugin.V1Beta1;

namespace SriovForwarder.TestSupport.StandIns;

/// <summary>Kubelet's Registration service as a stand-in: records requests, can answer with an error, and dials the plugin back as kubelet does.</summary>
public sealed class StandInRegistration(string folder) : Registration.RegistrationBase
{
    public Channel<Registered> Registrations { get; } = Channel.CreateUnbounded<Registered>();

    private readonly Lock _lock = new();
    private Status? _refuse;

    /// <summary>When set, Register answers with this status instead of accepting (read once per call, under a lock: tests flip it while calls arrive).</summary>
    public Status? Refuse
    {
        get
        {
            lock (_lock)
            {
                return _refuse;
            }
        }

        set
        {
            lock (_lock)
            {
                _refuse = value;
            }
        }
    }

    public override async Task<Empty> Register(RegisterRequest request, ServerCallContext context)
    {
        if (Refuse is { } refusal)
        {
            await Registrations.Writer.WriteAsync(new Registered(request, null));
            throw new RpcException(refusal);
        }

        // Kubelet checks the endpoint right away: dial it and ask for the options before accepting.
        using var client = new PluginClient(Path.Combine(folder, request.Endpoint));
        var options = await client.Plugin.GetDevicePluginOptionsAsync(new Empty());
        await Registrations.Writer.WriteAsync(new Registered(request, options));
        return new Empty();
    }

    /// <summary>One Register call and the options kubelet read back from the plugin (null when refused).</summary>
    public sealed record Registered(RegisterRequest Request, DevicePluginOptions? Options);
}
