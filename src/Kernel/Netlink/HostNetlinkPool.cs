namespace SriovForwarder.Kernel.Netlink;

/// <summary>
/// Host-namespace rtnetlink connections kept for the process and lent out one caller at a time (decision 051). Opening one
/// per operation cost a KERNEL Request+Close two sockets (socket, two setsockopt, a 16 KiB buffer) for a few look-ups and
/// one move each. A lent connection is used by its borrower alone, so concurrent connections never share a socket nor wait
/// for one another here (the kernel still serialises the moves under its own lock); a caller that finds none idle opens a
/// new one. A connection that failed other than by the kernel's answer (an I/O error, a malformed reply) is dropped, not
/// lent again, so a socket in an unknown state never serves another request.
/// </summary>
/// <remarks>Only for the host namespace: a socket acts in the namespace it was created in, and this process's own stays put.</remarks>
public sealed class HostNetlinkPool(IRouteNetlinkFactory factory, int keep = 4) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Stack<IRouteNetlink> _idle = new();
    private bool _disposed;

    /// <summary>How many connections are idle in the pool (for tests).</summary>
    public int Idle
    {
        get
        {
            lock (_gate)
            {
                return _idle.Count;
            }
        }
    }

    /// <summary>Runs <paramref name="work"/> on a host connection lent to this caller alone, and returns its result.</summary>
    public T Use<T>(Func<IRouteNetlink, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        IRouteNetlink? connection = Rent();
        try
        {
            var result = work(connection);
            Return(connection);
            connection = null;
            return result;
        }
        catch (NetlinkException)
        {
            // The kernel's own refusal leaves the socket clean (its error is the reply); anything else may not, so the
            // finally below closes the connection rather than lending it again.
            Return(connection!);
            connection = null;
            throw;
        }
        finally
        {
            connection?.Dispose();
        }
    }

    /// <summary>Runs <paramref name="work"/> on a host connection lent to this caller alone.</summary>
    public void Use(Action<IRouteNetlink> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        Use(connection =>
        {
            work(connection);
            return true;
        });
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            while (_idle.TryPop(out var connection))
            {
                connection.Dispose();
            }
        }
    }

    private IRouteNetlink Rent()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_idle.TryPop(out var idle))
            {
                return idle;
            }
        }

        return factory.OpenHost();
    }

    private void Return(IRouteNetlink connection)
    {
        lock (_gate)
        {
            if (!_disposed && _idle.Count < keep)
            {
                _idle.Push(connection);
                return;
            }
        }

        connection.Dispose();
    }
}
