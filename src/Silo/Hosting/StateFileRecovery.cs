namespace SriovForwarder.Silo.Hosting;

/// <summary>
/// The refusal text for a corrupt grain state file: which file, what is wrong, how to recover and what is lost then
/// (what the forwarder does when that file is missing at start).
/// </summary>
public static class StateFileRecovery
{
    /// <summary>One line naming <paramref name="path"/>, the problem and the way to recover.</summary>
    public static string Describe(string path, string problem)
    {
        var consequence = Path.GetFileName(path) switch
        {
            var name when name.EndsWith(".tokenids.json", StringComparison.Ordinal) =>
                "the node then makes new token ids, so kubelet sees new devices; pods holding old token ids must be restarted "
                + "to get new ones, and the reservations recorded with the old ids are dropped (each is logged), so their VFs count as free",
            var name when name.EndsWith(".allocations.json", StringComparison.Ordinal) =>
                "the node's VF reservations in it are lost (their VFs count as free and their connections are not restored) "
                + "and which tokens kubelet handed out is read again from pod resources; restart the pods with SR-IOV connections on this node",
            var name when name.EndsWith(".connection.json", StringComparison.Ordinal) =>
                "this connection is forgotten (Close and expiry no longer reach it); the VF the node reserved for it stays reserved "
                + "until NSMgr repeats the Request with the same connection id",
            _ => "what it held is lost",
        };
        return $"NSM_STATE_PATH: the state file {path} {problem}. To recover, move it aside (mv {path} {path}.corrupt) and start again; {consequence}";
    }
}
