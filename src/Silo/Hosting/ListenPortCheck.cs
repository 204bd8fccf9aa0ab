using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace SriovForwarder.Silo.Hosting;

/// <summary>
/// Finds, before the host starts, a listen port that cannot be bound (in use, not an address of this host, not
/// allowed), by binding every port as the wiring will and letting go; and names the port and its setting when a bind
/// still fails during start (another process took the port in between, or Orleans' own bind failed).
/// </summary>
public static class ListenPortCheck
{
    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;

    /// <summary>Throws <see cref="StartupRefusedException"/> naming the first port that cannot be bound and its setting.</summary>
    public static void Ensure(IReadOnlyList<ListenPort> ports)
    {
        if (FindProblem(ports) is { } problem)
        {
            throw new StartupRefusedException(problem);
        }
    }

    /// <summary>
    /// When <paramref name="failure"/> (from starting the host) is a bind failing with "address in use", a refusal
    /// naming the port that is busy now and its setting; null for any other failure.
    /// </summary>
    public static StartupRefusedException? Translate(Exception failure, IReadOnlyList<ListenPort> ports)
    {
        if (!IsAddressInUse(failure))
        {
            return null;
        }

        var busy = FindProblem(ports)
            ?? $"a listen port was in use while starting ({string.Join(", ", ports.Select(p => p.Setting))}) and is free again: {Innermost(failure).Message}";
        return new StartupRefusedException(busy, failure);
    }

    // Binds all ports at once, so two settings sharing a port are found too; every socket is closed before returning.
    private static string? FindProblem(IReadOnlyList<ListenPort> ports)
    {
        var bound = new List<ListenPort>();
        var sockets = new List<Socket>();
        try
        {
            foreach (var port in ports)
            {
                if (Bind(port, bound, sockets) is { } problem)
                {
                    return problem;
                }
            }

            return null;
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    // Every required address, then the first optional one the host has (Kestrel: ::1 beside 127.0.0.1 for localhost;
    // IPv6 any, else IPv4 any, for every address).
    private static string? Bind(ListenPort port, List<ListenPort> bound, List<Socket> sockets)
    {
        string? SharedWith() => bound.Where(b => b.Port == port.Port && b != port).Select(b => b.Setting).FirstOrDefault();
        foreach (var address in port.Required)
        {
            if (TryBind(address, port.Port, sockets) is { } error)
            {
                return Describe(port, address, error, SharedWith());
            }

            bound.Add(port);
        }

        (IPAddress Address, SocketError Error)? unavailable = null;
        foreach (var address in port.Optional)
        {
            var error = TryBind(address, port.Port, sockets);
            if (error is null)
            {
                bound.Add(port);
                return null;
            }

            if (error is not (SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported))
            {
                return Describe(port, address, error.Value, SharedWith());
            }

            unavailable ??= (address, error.Value);
        }

        return port.Required.Count == 0 && unavailable is { } none ? Describe(port, none.Address, none.Error, null) : null;
    }

    // On success the bound socket joins <paramref name="sockets"/>, which the caller closes.
    private static SocketError? TryBind(IPAddress address, int port, List<Socket> sockets)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // SO_REUSEADDR alone, as the listeners get it: a port with connections left in TIME_WAIT (a forwarder stopped a
            // moment ago) can be bound, one with a listener cannot. .NET's ReuseAddress option would add SO_REUSEPORT,
            // which lets a second listener share the port and so would hide it.
            socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
            if (address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(1);
            sockets.Add(socket);
            return null;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            return e.SocketErrorCode;
        }
    }

    private static string Describe(ListenPort port, IPAddress address, SocketError error, string? sharedWith)
    {
        var where = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port.Port}" : $"{address}:{port.Port}";
        return error switch
        {
            SocketError.AddressAlreadyInUse when sharedWith is not null =>
                $"{port.Setting}: port {port.Port} is also the port of {sharedWith}; give each listener its own port",
            SocketError.AddressAlreadyInUse =>
                $"{port.Setting}: port {port.Port} is already in use on {where} by another process; stop it or choose another port",
            SocketError.AddressNotAvailable => $"{port.Setting}: {address} is not an address of this host",
            SocketError.AccessDenied =>
                $"{port.Setting}: not allowed to listen on port {port.Port} ({where}); ports below 1024 need root or CAP_NET_BIND_SERVICE",
            _ => $"{port.Setting}: cannot listen on {where}: {error}",
        };
    }

    private static bool IsAddressInUse(Exception failure) =>
        Chain(failure).Any(e => e is AddressInUseException || e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse });

    private static Exception Innermost(Exception failure) => Chain(failure).Last();

    private static IEnumerable<Exception> Chain(Exception failure)
    {
        for (Exception? e = failure; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Chain))
                {
                    yield return inner;
                }

                yield break;
            }
        }
    }
}
