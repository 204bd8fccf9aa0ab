using System.Globalization;
using System.Text;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.ConnectionContext;
using SriovForwarder.Api.Nsm.Networkservice;

namespace SriovForwarder.Grains.Interfaces.Chain;

/// <summary>
/// The one check that refuses control characters in every request string that can reach the OS: paths and URLs
/// (<c>inodeURL</c>, <c>cgroupDir</c>), interface names, MACs, addresses and routes, and the ids that become grain keys
/// and state file names. A NUL would cut a path short at <c>open()</c>; other C0 controls, DEL and C1 controls
/// (<see cref="char.IsControl(char)"/>) have no business in any of them and would garble logs. Labels, the network
/// service and the endpoint name only travel to the registry and the next hop, so they are not checked here.
/// </summary>
public static class RequestStrings
{
    /// <summary>Throws <see cref="ForwarderException"/> (InvalidArgument) naming the first field that holds a control character.</summary>
    public static void Check(NetworkServiceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Connection is { } connection)
        {
            Check(connection);
            if (connection.Context is { } context)
            {
                CheckContext(context, "connection.context");
            }
        }

        for (var i = 0; i < request.MechanismPreferences.Count; i++)
        {
            CheckMechanism(request.MechanismPreferences[i], $"mechanism_preferences[{i}]");
        }
    }

    /// <summary>
    /// Throws <see cref="ForwarderException"/> (InvalidArgument) naming the first field of a Close's connection that holds
    /// a control character: its ids and mechanism (a Close reopens the client namespace by <c>inodeURL</c>). Its context
    /// is not used by a Close, so a context the next hop filled in never blocks one.
    /// </summary>
    public static void Check(Connection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        CheckField(connection.Id, "connection.id");
        if (connection.Path is { } path)
        {
            for (var i = 0; i < path.PathSegments.Count; i++)
            {
                CheckField(path.PathSegments[i].Name, $"connection.path.path_segments[{i}].name");
                CheckField(path.PathSegments[i].Id, $"connection.path.path_segments[{i}].id");
            }
        }

        if (connection.Mechanism is { } mechanism)
        {
            CheckMechanism(mechanism, "connection.mechanism");
        }
    }

    /// <summary>The index of the first control character in <paramref name="value"/>, or -1.</summary>
    public static int FindControl(string? value)
    {
        for (var i = 0; i < (value?.Length ?? 0); i++)
        {
            if (char.IsControl(value![i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Throws InvalidArgument when <paramref name="value"/> holds a control character, naming <paramref name="field"/>.</summary>
    public static void CheckField(string? value, string field)
    {
        var at = FindControl(value);
        if (at >= 0)
        {
            throw ForwarderException.Invalid(string.Create(CultureInfo.InvariantCulture,
                $"{field} holds a control character (U+{(int)value![at]:X4} at {at}): \"{Escape(value)}\""));
        }
    }

    private static void CheckMechanism(Mechanism mechanism, string where)
    {
        CheckField(mechanism.Cls, $"{where}.cls");
        CheckField(mechanism.Type, $"{where}.type");
        foreach (var (key, value) in mechanism.Parameters)
        {
            CheckField(key, $"{where}.parameters[{Escape(key)}] (its key)");
            CheckField(value, $"{where}.parameters[{key}]");
        }
    }

    private static void CheckContext(ConnectionContext context, string where)
    {
        if (context.EthernetContext is { } ethernet)
        {
            CheckField(ethernet.SrcMac, $"{where}.ethernet_context.src_mac");
            CheckField(ethernet.DstMac, $"{where}.ethernet_context.dst_mac");
        }

        if (context.IpContext is not { } ip)
        {
            return;
        }

        CheckAll(ip.SrcIpAddrs, $"{where}.ip_context.src_ip_addrs");
        CheckAll(ip.DstIpAddrs, $"{where}.ip_context.dst_ip_addrs");
        CheckRoutes(ip.SrcRoutes, $"{where}.ip_context.src_routes");
        CheckRoutes(ip.DstRoutes, $"{where}.ip_context.dst_routes");
        for (var i = 0; i < ip.IpNeighbors.Count; i++)
        {
            CheckField(ip.IpNeighbors[i].Ip, $"{where}.ip_context.ip_neighbors[{i}].ip");
            CheckField(ip.IpNeighbors[i].HardwareAddress, $"{where}.ip_context.ip_neighbors[{i}].hardware_address");
        }

        for (var i = 0; i < ip.Policies.Count; i++)
        {
            var policy = ip.Policies[i];
            var at = $"{where}.ip_context.policies[{i}]";
            CheckField(policy.From, $"{at}.from");
            CheckField(policy.Proto, $"{at}.proto");
            CheckField(policy.DstPort, $"{at}.dst_port");
            CheckField(policy.SrcPort, $"{at}.src_port");
            CheckRoutes(policy.Routes, $"{at}.routes");
        }
    }

    private static void CheckAll(IReadOnlyList<string> values, string where)
    {
        for (var i = 0; i < values.Count; i++)
        {
            CheckField(values[i], $"{where}[{i}]");
        }
    }

    private static void CheckRoutes(IReadOnlyList<Route> routes, string where)
    {
        for (var i = 0; i < routes.Count; i++)
        {
            CheckField(routes[i].Prefix, $"{where}[{i}].prefix");
            CheckField(routes[i].NextHop, $"{where}[{i}].nextHop");
        }
    }

    // The value is quoted with its control characters written as \uXXXX, so the message and the log stay one clean line.
    private static string Escape(string value)
    {
        if (FindControl(value) < 0)
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            _ = char.IsControl(c) ? builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}") : builder.Append(c);
        }

        return builder.ToString();
    }
}
