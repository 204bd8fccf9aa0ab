using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using SriovForwarder.Api.Fleet.V1;
using SriovForwarder.Silo.Configuration;

namespace SriovForwarder.Silo.Cli;

/// <summary>
/// <c>sriov-forwarder fleet ...</c>: asks a running forwarder's fleet API and prints tables or JSON. The address is
/// <c>--address</c> or NSM_FLEET_LISTEN_ON read the way the forwarder reads it; one clear line and an exit code when
/// it cannot be reached or refuses.
/// </summary>
public static class FleetVerb
{
    /// <summary>Exit code: the fleet API cannot be reached at the address tried.</summary>
    public const int Unreachable = 3;

    /// <summary>Exit code: the API refused the question (unknown node or resource, bad count or driver).</summary>
    public const int Refused = 4;

    /// <summary>How long one question may take.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true).WithIndentation());

    /// <summary>Runs the verb with the arguments after <c>fleet</c>; returns the exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var (arguments, argumentError) = FleetArguments.Parse(args);
        if (arguments is null)
        {
            await error.WriteLineAsync($"sriov-forwarder fleet: {argumentError}");
            return Hosting.ForwarderProgram.ConfigurationError;
        }

        var (target, source, addressError) = Address(arguments.Address);
        if (target is null)
        {
            await error.WriteLineAsync($"sriov-forwarder fleet: {addressError}");
            return Hosting.ForwarderProgram.ConfigurationError;
        }

        using var channel = GrpcChannel.ForAddress(target);
        var client = new Fleet.FleetClient(channel);
        try
        {
            var text = await AskAsync(client, arguments);
            await output.WriteLineAsync(text);
            return 0;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.DeadlineExceeded)
        {
            await error.WriteLineAsync($"sriov-forwarder fleet: the fleet API at {target} ({source}) did not answer within {Deadline.TotalSeconds:0} s");
            return Unreachable;
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.Unimplemented or StatusCode.Internal)
        {
            await error.WriteLineAsync($"sriov-forwarder fleet: cannot reach the fleet API at {target} ({source}): {ex.Status.Detail}");
            return Unreachable;
        }
        catch (RpcException ex)
        {
            await error.WriteLineAsync($"sriov-forwarder fleet: {ex.Status.StatusCode}: {ex.Status.Detail}");
            return Refused;
        }
    }

    private static async Task<string> AskAsync(Fleet.FleetClient client, FleetArguments arguments)
    {
        var deadline = DateTime.UtcNow + Deadline;
        switch (arguments.Query)
        {
            case FleetQuery.Node:
                var node = await client.GetNodeAsync(new GetNodeRequest { Name = arguments.Node }, deadline: deadline);
                return arguments.Json ? Json.Format(node) : FleetTables.Node(node);
            case FleetQuery.Find:
                var found = await client.FindNodesAsync(
                    new FindNodesRequest { ResourceName = arguments.Resource, Count = arguments.Count, Driver = arguments.Driver, Limit = arguments.Limit }, deadline: deadline);
                return arguments.Json ? Json.Format(found) : FleetTables.Find(found);
            default:
                var view = await client.GetFleetAsync(new GetFleetRequest(), deadline: deadline);
                return arguments.Json ? Json.Format(view) : FleetTables.Fleet(view);
        }
    }

    // --address, else NSM_FLEET_LISTEN_ON as the forwarder reads it; a listener on every address is dialled on loopback.
    private static (string? Target, string Source, string? Error) Address(string? explicitAddress)
    {
        HostPort? address;
        string source;
        if (explicitAddress is not null)
        {
            source = "--address";
            if (!HostPort.TryParse(explicitAddress, out address))
            {
                return (null, source, $"--address \"{explicitAddress}\" is not HOST:PORT, e.g. 127.0.0.1:8081");
            }
        }
        else
        {
            source = "NSM_FLEET_LISTEN_ON";
            var read = ForwarderSettingsReader.ReadProcessEnvironment();
            if (read.Settings is not { } settings)
            {
                return (null, source, $"invalid configuration:{Environment.NewLine}{read.FormatProblems()}");
            }

            address = settings.FleetListenOn;
            if (address is null)
            {
                return (null, source, "the fleet API is off (NSM_FLEET_LISTEN_ON is empty); pass --address HOST:PORT of a forwarder that serves it");
            }
        }

        var host = address!.Host is "" or "0.0.0.0" ? "127.0.0.1" : address.Host is "::" ? "::1" : address.Host;
        return ($"http://{new HostPort(host, address.Port)}", source, null);
    }
}
