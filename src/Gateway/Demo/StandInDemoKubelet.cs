using Grpc.Core;
using SriovForwarder.Api.Kubelet.DevicePlugin.V1Beta1;

namespace SriovForwarder.Gateway.Demo;

/// <summary>
/// DEMO STAND-IN, not kubelet: the Registration service on <c>kubelet.sock</c> in the demo's device-plugin folder, so
/// the forwarder's device plugins come up as on a node; it only remembers which socket serves which resource and calls
/// <paramref name="registered"/> with that map (the demo's client finds the plugins through it).
/// </summary>
public sealed class StandInDemoKubelet(string folder, Action<IReadOnlyDictionary<string, string>> registered) : Registration.RegistrationBase
{
    private readonly Dictionary<string, string> _plugins = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <inheritdoc />
    public override Task<Empty> Register(RegisterRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Under the lock: two registrations at once must not write their maps in the wrong order.
        lock (_lock)
        {
            _plugins[request.ResourceName] = Path.Combine(folder, request.Endpoint);
            registered(new Dictionary<string, string>(_plugins, StringComparer.Ordinal));
        }

        return Task.FromResult(new Empty());
    }
}
