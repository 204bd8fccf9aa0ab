using System.Globalization;

namespace SriovForwarder.Silo.Cli;

/// <summary>What to ask of the fleet API.</summary>
public enum FleetQuery
{
    /// <summary><c>fleet</c>: every node with liveness and capacity per resource.</summary>
    Fleet,

    /// <summary><c>fleet node NAME</c>: one node's PFs and VFs with state and owner.</summary>
    Node,

    /// <summary><c>fleet find RESOURCE COUNT</c>: the live nodes that can give COUNT VFs, best first.</summary>
    Find,
}

/// <summary>The arguments of the <c>fleet</c> verb (everything after <c>fleet</c>).</summary>
public sealed record FleetArguments(FleetQuery Query, string? Node, string? Resource, int Count, string Driver, bool Json, string? Address, int Limit = 0)
{
    /// <summary>The usage lines of the verb.</summary>
    public const string Usage =
        """
        Fleet verbs (ask a running forwarder's fleet API, sriov.fleet.v1 on NSM_FLEET_LISTEN_ON):
          fleet                          every node: live or down, capacity (free/tokens) per resource
          fleet node NAME                one node: its PFs (driver, netdev, NUMA, link), VFs (state, driver, owner),
                                         token pools and allocation latency
          fleet find RESOURCE COUNT      the live nodes that can give COUNT VFs of RESOURCE now, best first
                [--driver kernel|vfio-pci]   only VFs usable with that driver
                [--limit N]                  at most N nodes, the best (default 100, at most 1000)
          options: --json (the API's messages as JSON), --address HOST:PORT (default: NSM_FLEET_LISTEN_ON)
          exit codes: 0 answered, 2 bad arguments or settings, 3 the fleet API cannot be reached, 4 the API refused
        """;

    /// <summary>Parses the arguments after <c>fleet</c>; returns an error naming the bad one instead of throwing.</summary>
    public static (FleetArguments? Arguments, string? Error) Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var positional = new List<string>();
        var json = false;
        string? address = null;
        var driver = string.Empty;
        var limit = 0;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--json":
                    json = true;
                    break;
                case "--address" or "--driver":
                    if (i + 1 >= args.Count)
                    {
                        return (null, $"{args[i]} needs a value, e.g. {(args[i] == "--address" ? "--address 127.0.0.1:8081" : "--driver vfio-pci")}");
                    }

                    if (args[i] == "--address")
                    {
                        address = args[++i];
                    }
                    else
                    {
                        driver = args[++i];
                    }

                    break;
                case "--limit":
                    if (i + 1 >= args.Count || !int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out limit))
                    {
                        return (null, $"--limit needs a whole number{(i + 1 < args.Count ? $", not \"{args[i + 1]}\"" : string.Empty)}, e.g. --limit 10");
                    }

                    i++;
                    break;
                case var option when option.StartsWith("--", StringComparison.Ordinal):
                    return (null, $"unknown option \"{option}\" of the fleet verb; run with --help to see the options");
                default:
                    positional.Add(args[i]);
                    break;
            }
        }

        return positional switch
        {
            [] => (new FleetArguments(FleetQuery.Fleet, null, null, 0, driver, json, address), null),
            ["node", var name] => (new FleetArguments(FleetQuery.Node, name, null, 0, driver, json, address), null),
            ["find", var resource, var count] => int.TryParse(count, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
                ? (new FleetArguments(FleetQuery.Find, null, resource, n, driver, json, address, limit), null)
                : (null, $"COUNT \"{count}\" is not a whole number (fleet find RESOURCE COUNT)"),
            ["node"] => (null, "fleet node needs the node's name: fleet node NAME"),
            ["find", ..] => (null, "fleet find needs a resource and a count: fleet find RESOURCE COUNT, e.g. fleet find service.domain.1/10G 2"),
            _ => (null, $"unknown fleet query \"{string.Join(' ', positional)}\"; use fleet, fleet node NAME or fleet find RESOURCE COUNT"),
        };
    }
}
