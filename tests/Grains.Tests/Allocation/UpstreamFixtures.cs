using SriovForwarder.Grains.Allocation;

namespace SriovForwarder.Grains.Tests.Allocation;

/// <summary>The configurations of upstream's token-pool and resource-pool tests (reference §5.2.1 and §5.3.3).</summary>
internal static class UpstreamFixtures
{
    /// <summary>PF1: 1 VF, domain sd1, caps intel/10G; PF2: 3 VFs, domains sd1+sd2, caps intel/20G.</summary>
    public static PoolPhysicalFunction[] TokenPoolConfig() =>
    [
        new("0000:01:00.0", ["sd1/intel", "sd1/10G"], [new("0000:01:00.1", 0, 1)]),
        new(
            "0000:02:00.0",
            ["sd1/intel", "sd1/20G", "sd2/intel", "sd2/20G"],
            [new("0000:02:00.1", 0, 2), new("0000:02:00.2", 1, 3), new("0000:02:00.3", 2, 4)]),
    ];

    /// <summary>PF 01 (sd1; intel,10G; VF .1 group 1), PF 02 (sd2; intel,10G; VFs .1 group 1, .2 group 2), PF 03 (sd2; intel,20G; VFs .1-.3 group 1).</summary>
    public static PoolPhysicalFunction[] ResourcePoolConfig() =>
    [
        new("0000:01:00.0", ["sd1/intel", "sd1/10G"], [new("0000:01:00.1", 0, 1)]),
        new("0000:02:00.0", ["sd2/intel", "sd2/10G"], [new("0000:02:00.1", 0, 1), new("0000:02:00.2", 1, 2)]),
        new(
            "0000:03:00.0",
            ["sd2/intel", "sd2/20G"],
            [new("0000:03:00.1", 0, 1), new("0000:03:00.2", 1, 1), new("0000:03:00.3", 2, 1)]),
    ];

    public static (TokenPool Tokens, ResourcePool Pool) NewResourcePool()
    {
        var config = ResourcePoolConfig();
        var tokens = new TokenPool(config);
        return (tokens, new ResourcePool(config, tokens));
    }

    /// <summary>The ids of a name's tokens in list order, read without touching the pool.</summary>
    public static string[] IdsOf(TokenPool pool, string name) =>
        [.. pool.Snapshot().Where(token => token.Name == name).Select(token => token.Id)];

    public static Dictionary<string, int> AvailableCounts(TokenPool pool) =>
        pool.Tokens().ToDictionary(pair => pair.Key, pair => pair.Value.Count(token => token.Value));
}
