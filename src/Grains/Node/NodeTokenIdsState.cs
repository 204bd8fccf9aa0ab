namespace SriovForwarder.Grains.Node;

/// <summary>
/// The token ids in the order the pool created them, so that the same hardware gets the same ids after
/// a restart and ids already handed to pods by kubelet stay valid (upstream makes new ids every start).
/// </summary>
[GenerateSerializer, Alias("sriov.NodeTokenIdsState")]
public sealed class NodeTokenIdsState
{
    [Id(0)] public List<string> TokenIds { get; set; } = [];
}
