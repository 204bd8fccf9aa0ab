using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Grains.Outbound;

namespace SriovForwarder.Grains.Monitor;

/// <summary>
/// Upstream's monitor relay for one connection (§6.9), fed by the next hop's shared stream (<see cref="SharedNextHopStream"/>,
/// decision 045) with the events about the connection: it publishes what changed for our connection as an UPDATE in our
/// coordinates: the stored copy takes the remote path (our index kept), context and state; a DELETE there is state DOWN
/// here; an initial-transfer entry whose state is the stored one, and anything that changes nothing, is not sent. A broken
/// stream publishes the stored copy with state DOWN, and the relay then hears nothing more (until the next Request starts a
/// new one). After <see cref="Dispose"/> it publishes nothing more.
/// </summary>
internal sealed class NextHopRelay : IDisposable
{
    private readonly Lock _lock = new();
    private readonly IConnectionEventSink _sink;
    private readonly string _node;
    private SharedNextHopStream _stream;
    private Connection _stored;
    private bool _stopped;

    /// <summary>
    /// A relay for <paramref name="published"/> (the connection as our monitor last published it, in our coordinates, with
    /// our segment at its path index; not kept by the caller afterwards); it hears events once <paramref name="stream"/> adds it.
    /// </summary>
    public NextHopRelay(SharedNextHopStream stream, IConnectionEventSink sink, string node, Connection published)
    {
        (_stream, _sink, _node, _stored) = (stream, sink, node, published);
        OwnId = published.Path.PathSegments[(int)published.Path.Index].Id;
    }

    /// <summary>Our path segment's id: what the shared stream finds the relay by.</summary>
    public string OwnId { get; }

    /// <summary>Whether <see cref="Dispose"/> was called (a stream does not add a stopped relay).</summary>
    public bool Stopped
    {
        get
        {
            lock (_lock)
            {
                return _stopped;
            }
        }
    }

    /// <summary>Stops the relay; once this returns no event of it is published any more.</summary>
    public void Dispose()
    {
        SharedNextHopStream stream;
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            stream = _stream;
        }

        stream.Remove(this);
    }

    /// <summary>The relay is to hear <paramref name="stream"/> from now on (the next hop refused the shared one); false if it was stopped.</summary>
    public bool MoveTo(SharedNextHopStream stream)
    {
        lock (_lock)
        {
            if (_stopped)
            {
                return false;
            }

            _stream = stream;
            return true;
        }
    }

    /// <summary>One connection of a next hop's event; ignored unless it is ours (our segment at our index, index ours or the next).</summary>
    public void Apply(ConnectionEventType type, Connection remote)
    {
        if (!IsOurs(remote))
        {
            return;
        }

        Publish(stored =>
        {
            if (type == ConnectionEventType.InitialStateTransfer && remote.State == stored.State)
            {
                return null;
            }

            var updated = stored.Clone();
            updated.Path = remote.Path.Clone();
            updated.Path.Index = stored.Path.Index;
            updated.Context = remote.Context?.Clone();
            updated.State = type == ConnectionEventType.Delete ? State.Down : remote.State;
            return updated;
        });
    }

    /// <summary>The stream broke: the connection is published DOWN (its stored copy, state DOWN).</summary>
    public void Broken() =>
        Publish(stored =>
        {
            var down = stored.Clone();
            down.State = State.Down;
            return down;
        });

    private bool IsOurs(Connection remote)
    {
        var path = remote.Path;
        var index = _stored.Path.Index;
        return path is not null
            && path.PathSegments.Count > index
            && path.PathSegments[(int)index].Id == OwnId
            && (path.Index == index || path.Index == index + 1);
    }

    // Under the lock, so that a Dispose returning first wins and nothing is published after it.
    private void Publish(Func<Connection, Connection?> change)
    {
        lock (_lock)
        {
            if (_stopped || change(_stored) is not { } updated || updated.Equals(_stored))
            {
                return;
            }

            _stored = updated;
            _sink.Publish(_node, ConnectionEventType.Update, updated.Clone());
        }
    }
}
