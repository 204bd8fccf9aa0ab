namespace SriovForwarder.Silo.Cli;

/// <summary>The arguments of the demo's <c>connect</c> verb (everything after <c>connect</c>).</summary>
public sealed record ConnectArguments(string Mechanism, string SimulationFolder, string? Resource, string InterfaceName, string? CgroupDir)
{
    /// <summary>The mechanisms a pod can ask for.</summary>
    public static readonly IReadOnlyList<string> Mechanisms = ["KERNEL", "VFIO", "NOOP"];

    /// <summary>The usage lines of the verb.</summary>
    public const string Usage =
        """
        Demo verb (plays a pod against a forwarder started with --simulate --simulate-dir DIR and no NSM_CONNECT_TO,
        which runs the embedded DEMO STAND-IN NSM control plane):
          connect --simulate-dir DIR [--mechanism KERNEL|VFIO|NOOP] [--resource NAME] [--name IFNAME] [--cgroup-dir DIR]
                 gets a token from the forwarder's device plugin (ListAndWatch, Allocate: what kubelet does), makes a network
                 namespace (KERNEL), sends a Request to network service demo-ns, prints the VF, interface and addresses it
                 got, holds the connection until Ctrl-C or SIGTERM, then Closes it and deletes the namespace.
                 Defaults: --mechanism KERNEL, the first resource registered, --name nsm-demo; VFIO needs the pod's
                 --cgroup-dir (relative to the forwarder's cgroup root).
          exit codes: 0 connected and closed, 2 bad arguments, 3 no demo forwarder in DIR, 4 the forwarder refused
        """;

    /// <summary>Parses the arguments after <c>connect</c>; returns an error naming the bad one instead of throwing.</summary>
    public static (ConnectArguments? Arguments, string? Error) Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var values = new Dictionary<string, string>(StringComparer.Ordinal) { ["--mechanism"] = "KERNEL", ["--name"] = "nsm-demo" };
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] is not ("--mechanism" or "--simulate-dir" or "--resource" or "--name" or "--cgroup-dir"))
            {
                return (null, $"unknown argument '{args[i]}' (see --help)");
            }

            if (i + 1 >= args.Count)
            {
                return (null, $"{args[i]} needs a value");
            }

            values[args[i]] = args[++i];
        }

        var mechanism = values["--mechanism"].ToUpperInvariant();
        if (!Mechanisms.Contains(mechanism))
        {
            return (null, $"--mechanism '{values["--mechanism"]}': must be one of {string.Join(", ", Mechanisms)}");
        }

        if (!values.TryGetValue("--simulate-dir", out var folder))
        {
            return (null, "--simulate-dir DIR is needed: the folder the forwarder was started with (--simulate --simulate-dir DIR)");
        }

        var name = values["--name"];
        if (name.Length is 0 or > 15 || name.Contains('/', StringComparison.Ordinal) || name.Any(char.IsWhiteSpace))
        {
            return (null, $"--name '{name}': an interface name has 1 to 15 characters, no '/' and no spaces");
        }

        return (new ConnectArguments(mechanism, Path.GetFullPath(folder), values.GetValueOrDefault("--resource"), name, values.GetValueOrDefault("--cgroup-dir")), null);
    }
}
