using SriovForwarder.Kernel.Simulation;

namespace SriovForwarder.Silo.Cli;

/// <summary>The arguments of the <c>simulate-fault</c> verb (everything after <c>simulate-fault</c>).</summary>
public sealed record SimulateFaultArguments(string SimulationFolder, string Fault, string Target)
{
    /// <summary>The usage lines of the verb, with every fault and its undo.</summary>
    public static string Usage { get; } =
        """
        Simulation verb (plays a hardware fault on the simulated node of a forwarder started with --simulate --simulate-dir DIR,
        to watch device health: the affected tokens Unhealthy in ListAndWatch, the fleet's reason, connection events):
          simulate-fault --simulate-dir DIR FAULT TARGET
        """
        + string.Concat(SimulatedNodeFaults.Catalogue.Select(c => $"{Environment.NewLine}    {c.Fault} {c.Target}  (undo: {c.Undo} {c.Target}): {c.What}"))
        + $"{Environment.NewLine}  TARGET is a PCI address (e.g. 0000:3b:00.0). What an undo needs is kept in DIR/{SimulatedNodeFaults.FaultsFolderName}/."
        + $"{Environment.NewLine}  exit codes: 0 played, 2 bad arguments, 3 the fault cannot be played (the message says why)";

    /// <summary>Parses the arguments after <c>simulate-fault</c>; returns an error naming the bad one instead of throwing.</summary>
    public static (SimulateFaultArguments? Arguments, string? Error) Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? folder = null;
        var positional = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--simulate-dir")
            {
                if (i + 1 >= args.Count)
                {
                    return (null, "--simulate-dir needs a value");
                }

                folder = args[++i];
            }
            else if (args[i].StartsWith('-'))
            {
                return (null, $"unknown argument '{args[i]}' (see --help)");
            }
            else
            {
                positional.Add(args[i]);
            }
        }

        if (folder is null)
        {
            return (null, "--simulate-dir DIR is needed: the folder the forwarder was started with (--simulate --simulate-dir DIR)");
        }

        var names = SimulatedNodeFaults.Catalogue.SelectMany(c => new[] { c.Fault, c.Undo }).ToList();
        if (positional.Count != 2)
        {
            return (null, $"expected FAULT TARGET, got {positional.Count} value(s); FAULT is one of {string.Join(", ", names)}");
        }

        if (!names.Contains(positional[0]))
        {
            return (null, $"FAULT '{positional[0]}': must be one of {string.Join(", ", names)}");
        }

        return (new SimulateFaultArguments(Path.GetFullPath(folder), positional[0], positional[1]), null);
    }
}
