using SriovForwarder.EndToEnd.Tests.Nsm;

namespace SriovForwarder.EndToEnd.Tests.Lifecycle;

/// <summary>
/// Where every shutdown test starts: the real executable registered with a stand-in NSMgr and serving its resources to
/// a stand-in kubelet. Disposes what it holds in reverse order of start (forwarder, kubelet, NSMgr).
/// </summary>
public sealed class RegisteredForwarder : IAsyncDisposable
{
    public StandInNsmgr Nsmgr { get; set; } = null!;

    public StandInKubeletSockets Kubelet { get; set; } = null!;

    public ForwarderProcess Forwarder { get; set; } = null!;

    /// <summary>The resource names the forwarder's device plugin serves.</summary>
    public string[] Resources { get; set; } = [];

    /// <summary>The registrations the stand-in kubelet accepted, one per resource.</summary>
    public IReadOnlyList<StandInRegistration.Registered> Registered { get; set; } = [];

    public void Deconstruct(
        out StandInNsmgr nsmgr, out StandInKubeletSockets kubelet, out ForwarderProcess forwarder, out string[] resources,
        out IReadOnlyList<StandInRegistration.Registered> registered) =>
        (nsmgr, kubelet, forwarder, resources, registered) = (Nsmgr, Kubelet, Forwarder, Resources, Registered);

    public async ValueTask DisposeAsync()
    {
        if (Forwarder is not null)
        {
            await Forwarder.DisposeAsync();
        }

        if (Kubelet is not null)
        {
            await Kubelet.DisposeAsync();
        }

        if (Nsmgr is not null)
        {
            await Nsmgr.DisposeAsync();
        }
    }
}
