using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Grains.Interfaces.Chain;
using SriovForwarder.Kernel.Namespaces;
using SriovForwarder.Kernel.Netlink;

namespace SriovForwarder.Grains.Chain.Elements.Kernel;

/// <summary>The KERNEL mechanism's <c>name</c> and <c>inodeURL</c>, checked before anything moves.</summary>
internal sealed record KernelParameters(string Name, string NamespaceUrl)
{
    public static KernelParameters Read(Mechanism mechanism)
    {
        var name = mechanism.Parameters.GetValueOrDefault(MechanismTypes.NameKey);
        if (InterfaceName.Problem(name) is { } problem)
        {
            throw ForwarderException.Invalid($"KERNEL mechanism parameter name: invalid interface name '{name}': {problem}");
        }

        var url = mechanism.Parameters.GetValueOrDefault(MechanismTypes.InodeUrlKey);
        if (string.IsNullOrWhiteSpace(url))
        {
            throw ForwarderException.Invalid("KERNEL mechanism parameter inodeURL is missing: the client's network namespace is needed");
        }

        // ValidateElement refused this already; checked again because open() would stop at a NUL and name another file.
        RequestStrings.CheckField(url, "KERNEL mechanism parameter inodeURL");

        return new KernelParameters(name!, url);
    }

    /// <summary>Opens the client namespace (bug #24: anything but a file URL or path to a network namespace is refused).</summary>
    public INetworkNamespace OpenNamespace(INetworkNamespaces netns)
    {
        try
        {
            return netns.Open(NamespaceUrl);
        }
        catch (NetworkNamespaceException ex)
        {
            throw ForwarderException.Invalid($"KERNEL mechanism parameter inodeURL: {ex.Message}");
        }
    }
}
