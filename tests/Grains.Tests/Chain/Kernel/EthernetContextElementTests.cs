using System.Net.NetworkInformation;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.ConnectionContext;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Chain.Elements.Kernel;
using SriovForwarder.Grains.Interfaces.Chain;
using SriovForwarder.Kernel.VfEthernet;
using Microsoft.Extensions.Logging.Abstractions;

namespace SriovForwarder.Grains.Tests.Chain.Kernel;

public sealed class EthernetContextElementTests : IDisposable
{
    private readonly FakeVfEthernetSettings _settings = new();
    private readonly List<string> _journal = [];
    private readonly KernelNamespaces _handles = new(new FakeNetworkNamespaces(), new FakeNetlink());

    public void Dispose() => _handles.Dispose();

    [Fact]
    public async Task Request_NextHopReturnsEthernetContext_SetsSrcMacAndVlanOfTheVfAfterTheNextHop()
    {
        var context = ContextWithVf();

        await Element().RequestAsync(Request(), context, new AnsweringNext(_journal, Ethernet("0a:55:44:33:22:00", 100)));

        Assert.Equal(["next:request", "apply 0A5544332200 100 on pf 0000:01:00.0 vf 3"], _journal);
    }

    [Fact]
    public async Task Request_NoEthernetContext_ChangesNothing()
    {
        await Element().RequestAsync(Request(), ContextWithVf(), new AnsweringNext(_journal, null));

        Assert.Equal(["next:request"], _journal);
    }

    [Fact]
    public async Task Request_MalformedMac_ClosesTheRestOfTheChainAndFailsNamingTheMac()
    {
        var error = await Assert.ThrowsAsync<ForwarderException>(() =>
            Element().RequestAsync(Request(), ContextWithVf(), new AnsweringNext(_journal, Ethernet("0a:55:zz:33:22:00", 0))));

        Assert.Equal(ForwarderErrorCode.InvalidArgument, error.Code);
        Assert.StartsWith("invalid MAC address: 0a:55:zz:33:22:00", error.Message, StringComparison.Ordinal);
        Assert.Equal(["next:request", "next:close"], _journal);
    }

    [Fact]
    public async Task Request_SettingFails_ClosesTheRestOfTheChainAndFailsNamingVfAndPf()
    {
        _settings.Failure = new InvalidOperationException("RTM_NEWLINK vf mac failed: EOPNOTSUPP");

        var error = await Assert.ThrowsAsync<ForwarderException>(() =>
            Element().RequestAsync(Request(), ContextWithVf(), new AnsweringNext(_journal, Ethernet("0a:55:44:33:22:00", 0))));

        Assert.Equal("failed to set MAC/VLAN of VF 3 (0000:01:02.3) on PF 0000:01:00.0: RTM_NEWLINK vf mac failed: EOPNOTSUPP", error.Message);
        Assert.Equal(["next:request", "next:close"], _journal);
    }

    [Fact]
    public async Task Close_ResetFails_StillClosesTheRestOfTheChain()
    {
        _settings.Failure = new InvalidOperationException("no PF");

        await Element().CloseAsync(new Connection(), ContextWithVf(), new AnsweringNext(_journal, null));

        Assert.Equal(["next:close"], _journal);
    }

    [Fact]
    public async Task Close_WithVf_ResetsMacAndVlanBeforeTheRestOfTheChain()
    {
        await Element().CloseAsync(new Connection(), ContextWithVf(), new AnsweringNext(_journal, null));

        Assert.Equal(["reset pf 0000:01:00.0 vf 3", "next:close"], _journal);
    }

    private EthernetContextElement Element() =>
        new(new JournalSettings(_settings, _journal), _handles, NullLogger<EthernetContextElement>.Instance);

    private static ChainContext ContextWithVf() => ChainTestData.Context(state: new ConnectionState
    {
        Vf = new VfHolding { PfAddress = "0000:01:00.0", VfAddress = "0000:01:02.3", VfNumber = 3, VfInterfaceName = "enp1s2f3" },
    });

    private static NetworkServiceRequest Request() => ChainTestData.Request(ChainTestData.Kernel());

    private static EthernetContext Ethernet(string mac, int vlan) => new() { SrcMac = mac, VlanTag = vlan };

    private sealed class FakeVfEthernetSettings
    {
        public Exception? Failure { get; set; }
    }

    private sealed class JournalSettings(FakeVfEthernetSettings fake, List<string> journal) : IVfEthernetSettings
    {
        public void Apply(VfEthernetTarget target, PhysicalAddress? mac, int vlan)
        {
            if (fake.Failure is { } failure)
            {
                throw failure;
            }

            journal.Add($"apply {mac} {vlan} on pf {target.PfAddress} vf {target.VfNumber}");
        }

        public void Reset(VfEthernetTarget target)
        {
            if (fake.Failure is { } failure)
            {
                throw failure;
            }

            journal.Add($"reset pf {target.PfAddress} vf {target.VfNumber}");
        }
    }

    private sealed class AnsweringNext(List<string> journal, EthernetContext? ethernet) : IChainNext
    {
        public Task<Connection> RequestAsync(NetworkServiceRequest request, ChainContext context)
        {
            journal.Add("next:request");
            var answer = request.Connection.Clone();
            answer.Mechanism = request.MechanismPreferences[0].Clone();
            answer.Context = new ConnectionContext { EthernetContext = ethernet };
            return Task.FromResult(answer);
        }

        public Task CloseAsync(Connection connection, ChainContext context)
        {
            journal.Add("next:close");
            return Task.CompletedTask;
        }
    }
}
