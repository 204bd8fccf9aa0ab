using System.Collections.Concurrent;
using Grpc.Core;
using SriovForwarder.Api.Nsm.Networkservice;


namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>Many clients racing for few VFs through the real executable (root); invariants checked during and after.</summary>
[Trait("Requires", "root")]
public sealed class ConcurrencyEndToEndTests(NsmForwarderFixture fixture) : IClassFixture<NsmForwarderFixture>
{
    private const int Clients = 16;
    private const int Rounds = 4;

    [RootFact("runs the forwarder as root on a simulated node with real veths")]
    public async Task ManyClients_RequestRefreshClose_NoVfHeldTwiceNoLeakTokenPoolConsistent()
    {
        var cgroup = fixture.Harness.AddContainerCgroup("pod-race", "c1");
        var tokens = await fixture.Node.TokensAsync(NsmForwarderFixture.Resource);
        var startSummary = (await fixture.Node.Node.GetSnapshotAsync()).Resources;
        var holders = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var doubleHeld = new ConcurrentQueue<string>();
        var unexpected = new ConcurrentQueue<string>();
        var successes = 0;

        await Task.WhenAll(Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            for (var round = 0; round < Rounds; round++)
            {
                var id = $"race-{client}-{round}";
                var token = tokens[(client + round) % tokens.Count];
                try
                {
                    var connection = await fixture.Client.RequestAsync(NsmForwarderFixture.VfioRequest(id, token, "pod-race/*"));
                    var pci = connection.Mechanism.Parameters["pciAddress"];
                    if (!holders.TryAdd(pci, id))
                    {
                        doubleHeld.Enqueue($"{pci} held by {holders.GetValueOrDefault(pci)} and {id}");
                    }

                    var refreshed = await fixture.Client.RequestAsync(new NetworkServiceRequest
                    {
                        Connection = connection.Clone(),
                        MechanismPreferences = { connection.Mechanism.Clone() },
                    });
                    if (refreshed.Mechanism.Parameters["pciAddress"] != pci)
                    {
                        doubleHeld.Enqueue($"refresh of {id} moved from {pci} to {refreshed.Mechanism.Parameters["pciAddress"]}");
                    }

                    // Forget the VF before Close releases it, so a new holder is never mistaken for a double one.
                    holders.TryRemove(pci, out _);
                    await fixture.Client.CloseAsync(refreshed);
                    Interlocked.Increment(ref successes);
                }
                catch (RpcException ex) when (ex.StatusCode is StatusCode.FailedPrecondition or StatusCode.ResourceExhausted or StatusCode.Aborted)
                {
                    // Contention: the token is in use by another client or no VF is free; the request must have left nothing behind.
                }
                catch (RpcException ex)
                {
                    unexpected.Enqueue($"{id}: {ex.StatusCode} {ex.Status.Detail}");
                }
            }
        })));
        var end = await fixture.Node.Node.GetSnapshotAsync();

        Assert.Empty(unexpected);
        Assert.Empty(doubleHeld);
        Assert.True(successes >= Rounds, $"only {successes} of {Clients * Rounds} rounds got a VF");
        Assert.Empty(end.Reservations);
        Assert.Equal(tokens.Order(), (await fixture.Node.TokensAsync(NsmForwarderFixture.Resource)).Order());
        // Upstream's StopUsing leaves a used token "allocated" (not free) and re-opens the tokens it closed.
        Assert.Equal(startSummary.Select(r => (r.Name, r.Tokens)), end.Resources.Select(r => (r.Name, r.Tokens)));
        Assert.All(end.Resources, r => Assert.Equal((r.Tokens, 0, 0), (r.Free + r.Allocated, r.InUse, r.Closed)));
        Assert.Equal(FakeDevicesCgroup.ContainerDefaults.Order(), cgroup.ReadList().Order());
    }
}
