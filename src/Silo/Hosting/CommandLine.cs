namespace SriovForwarder.Silo.Hosting;

/// <summary>The executable's command-line options (everything else is configured through NSM_* variables).</summary>
/// <param name="ShowHelp"><c>--help</c>: print usage and every variable, then exit.</param>
/// <param name="Simulate"><c>--simulate[=SPEC]</c>: run on a simulated SR-IOV node.</param>
/// <param name="SimulationSpec">The simulated node's shape, e.g. <c>pfs=2,vfs=8</c> (null = default).</param>
/// <param name="SimulationFolder"><c>--simulate-dir DIR</c>: keep the simulated node (and its state) in DIR and reuse it.</param>
public sealed record CommandLine(bool ShowHelp, bool Simulate, string? SimulationSpec, string? SimulationFolder)
{
    /// <summary>The usage lines for the options.</summary>
    public const string Usage =
        """
        Options:
          --help                 print this text and every NSM_* variable with its default, then exit
          --simulate[=SPEC]      run on a SIMULATED SR-IOV node (sysfs tree in a folder, real veths when root);
                                 SPEC sets its shape, e.g. pfs=2,vfs=8 (see README)
          --simulate-dir DIR     keep the simulated node and the forwarder state in DIR; an existing node there
                                 is reused, so allocations survive a restart (default: a temporary folder,
                                 or $NSM_STATE_PATH/simulated-node when NSM_STATE_PATH is set)
        """;

    /// <summary>Parses the arguments; returns an error message naming the bad argument instead of throwing.</summary>
    public static (CommandLine? Options, string? Error) Parse(IReadOnlyList<string> args)
    {
        var help = false;
        var simulate = false;
        string? spec = null;
        string? folder = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h")
            {
                help = true;
            }
            else if (arg == "--simulate")
            {
                simulate = true;
            }
            else if (arg.StartsWith("--simulate=", StringComparison.Ordinal))
            {
                simulate = true;
                spec = arg["--simulate=".Length..];
            }
            else if (arg == "--simulate-dir")
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    return (null, "--simulate-dir needs a folder, e.g. --simulate-dir /tmp/sriov-node");
                }

                folder = args[++i];
                simulate = true;
            }
            else
            {
                return (null, $"unknown argument \"{arg}\"; run with --help to see the options");
            }
        }

        if (spec is not null)
        {
            try
            {
                Kernel.Simulation.SimulatedNodeSpec.Parse(spec);
            }
            catch (FormatException e)
            {
                return (null, e.Message);
            }
        }

        return (new CommandLine(help, simulate, spec, folder), null);
    }
}
