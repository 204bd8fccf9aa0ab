using Microsoft.Extensions.Options;
using SriovForwarder.Gateway.DevicePlugin;
using SriovForwarder.Gateway.Grpc;
using SriovForwarder.Grains.Outbound;
using SriovForwarder.Gateway.Registry;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Storage;
using SriovForwarder.Kernel.Cgroups;
using SriovForwarder.Kernel.Pci;
using SriovForwarder.Kernel.Vfio;

using SriovForwarder.Security.Authorization;

namespace SriovForwarder.Silo.Configuration;

/// <summary>
/// Binds every options class from the settings (as <see cref="ForwarderOptionsBinding"/> does for the host) and runs its
/// validator, so a value the options refuse is reported with the settings' problems, all at once, before anything starts.
/// </summary>
public static class ForwarderOptionsValidation
{
    /// <summary>One line per failed rule, naming the option and the variable that feeds it; empty when all options are valid.</summary>
    public static IReadOnlyList<string> Problems(ForwarderSettings settings)
    {
        var problems = new List<string>();
        Check(problems, new PciOptionsValidator(), settings, ForwarderOptionsBinding.Bind);
        Check(problems, new VfioOptionsValidator(), settings, ForwarderOptionsBinding.Bind);
        Check(problems, new DeviceCgroupOptionsValidator(), settings, ForwarderOptionsBinding.Bind);
        Check(problems, new ForwarderChainOptionsValidator(), settings, ForwarderOptionsBinding.Bind);
        Check(problems, new NsmEndpointOptionsValidator(), settings, ForwarderOptionsBinding.Bind);
        Check(problems, new NextHopOptionsValidator(), settings, ForwarderOptionsBinding.Bind);
        Check(problems, new KubeletDevicePluginOptionsValidator(), settings, ForwarderOptionsBinding.Bind);
        // The socket path is chosen later; any path checks the same rules.
        Check(problems, new RegistrationOptionsValidator(), settings, (o, s) => ForwarderOptionsBinding.Bind(o, s, "/listen_on.io.sock"));
        Check(problems, new FileGrainStorageOptionsValidator(), settings, ForwarderOptionsBinding.Bind);
        Check(problems, new Grains.Health.NodeHealthOptionsValidator(), settings, ForwarderOptionsBinding.Bind);
        // Only upstream's built-in policies are evaluated (natively); a custom rego file refuses the start (decision 023).
        problems.AddRange(RegistryClientPolicyMapping.Map(settings.RegistryClientPolicies, Environment.CurrentDirectory).Problems);
        // Options fed by one variable in two classes (NSM_NAME, NSM_VFIO_PATH, ...) may fail the same way twice; say it once.
        return problems.Distinct(StringComparer.Ordinal).ToList();
    }

    private static void Check<TOptions>(
        List<string> problems, IValidateOptions<TOptions> validator, ForwarderSettings settings, Action<TOptions, ForwarderSettings> bind)
        where TOptions : class, new()
    {
        var options = new TOptions();
        bind(options, settings);
        if (validator.Validate(Options.DefaultName, options) is { Failed: true, Failures: { } failures })
        {
            problems.AddRange(failures);
        }
    }
}
