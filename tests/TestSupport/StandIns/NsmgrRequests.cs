using Google.Protobuf.WellKnownTypes;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;

namespace SriovForwarder.TestSupport.StandIns;

/// <summary>Requests shaped as NSMgr sends them to the forwarder: connection id "mgr-{id}", path nsc → nsmgr with the nsmgr segment's expiry.</summary>
public static class NsmgrRequests
{
    /// <summary>
    /// A request at path index 1 (the nsmgr segment) with one mechanism preference; <paramref name="moreSegments"/>
    /// follow the nsmgr segment, as on a refresh where the forwarder's own segment is already on the path.
    /// </summary>
    public static NetworkServiceRequest Create(string id, DateTimeOffset expires, Mechanism mechanism, params PathSegment[] moreSegments)
    {
        var path = new Api.Nsm.Connection.Path
        {
            Index = 1,
            PathSegments =
            {
                new PathSegment { Name = "nsc", Id = "nsc-" + id },
                new PathSegment { Name = "nsmgr", Id = "mgr-" + id, Expires = Timestamp.FromDateTimeOffset(expires) },
            },
        };
        path.PathSegments.Add(moreSegments);
        var request = new NetworkServiceRequest
        {
            Connection = new Connection { Id = "mgr-" + id, NetworkService = "sriov-ns", Path = path },
        };
        request.MechanismPreferences.Add(mechanism);
        return request;
    }
}
