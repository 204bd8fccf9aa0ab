using SriovForwarder.Kernel.Simulation;
using SriovForwarder.Silo.Configuration;

namespace SriovForwarder.Silo.Hosting;

/// <summary>
/// Starts the SIMULATED SR-IOV node for <c>--simulate</c> and points the hardware settings (PCI devices and
/// drivers folders, the vfio folder, the SR-IOV config) into it; everything else keeps its NSM_* value.
/// </summary>
public static class SimulationSetup
{
    /// <summary>Creates or reuses the simulated node and returns it with the settings redirected into it.</summary>
    public static async Task<(SimulatedSriovNode Node, ForwarderSettings Settings)> StartAsync(
        CommandLine options, ForwarderSettings settings, bool statePathWasSet, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var spec = options.SimulationSpec is null ? null : SimulatedNodeSpec.Parse(options.SimulationSpec);
        var folder = options.SimulationFolder
            ?? (statePathWasSet ? Path.Combine(settings.StatePath, "simulated-node") : null);
        SimulatedSriovNode node;
        try
        {
            node = await SimulatedSriovNode.CreateAsync(folder, spec, loggerFactory: loggerFactory, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or InvalidDataException)
        {
            var where = options.SimulationFolder is not null ? $"--simulate-dir {folder}" : folder is not null ? $"the SIMULATED node in {folder}" : "the SIMULATED node";
            throw new StartupRefusedException($"{where}: {e.Message}", e);
        }

        var redirected = settings with
        {
            PciDevicesPath = node.DevicesPath,
            PciDriversPath = node.DriversPath,
            VfioPath = node.VfioPath,
            SriovConfigFile = node.ConfigFilePath,
            // Without an explicit NSM_STATE_PATH the state lives beside the simulated node, so reusing the folder keeps both.
            StatePath = statePathWasSet ? settings.StatePath : Path.Combine(node.Root, "state"),
        };
        return (node, redirected);
    }
}
