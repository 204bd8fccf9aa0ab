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
        // Each text is what a restart without the file does (tests/EndToEnd.Tests/Nsm/StateFileRecoveryEndToEndTests.cs).
        var consequence = Path.GetFileName(path) switch
        {
            var name when name.EndsWith(".tokenids.json", StringComparison.Ordinal) =>
                "the node makes new token ids (kubelet sees new devices; pods holding old ids get new ones when restarted) and drops "
                + "the VF reservations made with the old ids, so those VFs count as free although connections may still use them: "
                + "restart the pods with SR-IOV connections on this node",
            var name when name.EndsWith(".allocations.json", StringComparison.Ordinal) =>
                "the node's VF reservations in it are lost, so those VFs count as free although connections may still use them, "
                + "and MonitorConnections no longer lists those connections (token ids stay; which tokens pods hold is read again "
                + "from kubelet): restart the pods with SR-IOV connections on this node",
            var name when name.EndsWith(".connection.json", StringComparison.Ordinal) =>
                "that connection is forgotten (MonitorConnections does not list it, Close and expiry do not reach it); its VF "
                + "stays reserved for it, and a Request with the same connection id sets it up again on that VF",
            _ => "what it held is lost",
        };
        return $"NSM_STATE_PATH: the state file {path} {problem}. To recover, move it aside (mv {path} {path}.corrupt) and start again; {consequence}";
    }
}
