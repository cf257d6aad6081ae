import protobuf from 'protobufjs'

/**
 * The project's own proto3 schema of DDC activity records, written from the field table of
 * spec/ddc-activity-wire.md (field numbers are the wire facts; the package name does not matter).
 */
export const DDC_ACTIVITY_PROTO = `
syntax = "proto3";
package ccpbridge.ddc;

message Signature {
  enum Algorithm { ED_25519 = 0; SR_25519 = 1; }
  Algorithm algorithm = 1;
  bytes signer = 2;
  bytes value = 3;
}
message ActivityRecord {
  bytes id = 1;
  ActivityFulfillment upstream = 2;
  repeated ActivityFulfillment downstream = 3;
  uint64 timestamp = 4;
  Signature signature = 5;
  optional AuthToken authToken = 6;
}
message ActivityFulfillment {
  ActivityRequest request = 1;
  optional ActivityAcknowledgment ack = 2;
  optional ActivityResponse response = 3;
}
message ActivityRequest {
  enum RequestType { PUT = 0; GET = 1; DELETE = 2; }
  enum ContentType { PIECE = 0; SEGMENT = 1; MERKLE_TREE = 2; METADATA = 3; }
  optional ActivityRequest parentRequest = 1;
  string requestId = 2;
  RequestType requestType = 3;
  ContentType contentType = 4;
  uint64 bucketId = 5;
  bytes pieceCid = 6;
  uint64 offset = 7;
  uint64 size = 8;
  uint64 timestamp = 9;
  Signature signature = 10;
}
message ActivityAcknowledgment {
  string requestId = 1;
  uint64 bytesStoredOrDelivered = 2;
  uint64 timestamp = 3;
  Signature signature = 4;
}
message ActivityResponse {
  enum Status { UNKNOWN = 0; OK = 1; NOT_FOUND = 2; INTERNAL = 3; UNAVAILABLE = 4; ABORTED = 5; }
  Status status = 1;
  uint32 time = 2;
  bytes peerID = 3;
}
message AuthToken {
  Signature signature = 1;
  AuthTokenPayload payload = 2;
}
message AuthTokenPayload {
  enum Operation { UNKNOWN = 0; PUT = 1; GET = 2; DELETE = 3; }
  optional AuthToken prev = 1;
  optional bytes subject = 2;
  optional bool canDelegate = 3;
  optional uint64 bucketId = 4;
  repeated Operation operations = 5;
  optional int64 expiresAt = 6;
  optional bytes pieceCid = 7;
}
message Aggregate {
  int64 stored = 1;
  uint64 delivered = 2;
  uint64 puts = 3;
  uint64 gets = 4;
}
message ChallengeResponse {
  repeated Proof proofs = 1;
}
message Proof {
  uint32 merkleTreeNodeId = 1;
  Aggregate usage = 2;
  repeated bytes path = 3;
  repeated Leaf leaves = 4;
}
message Leaf {
  oneof leafVariant {
    LeafRecord record = 1;
    RecordLink link = 2;
  }
}
message LeafRecord {
  ActivityRecord record = 1;
  int64 stored = 2;
  uint64 delivered = 3;
}
message Link {
  bytes nodeId = 1;
  uint64 bucketId = 2;
  bytes recordId = 3;
}
message RecordLink {
  Link link = 1;
  int64 stored = 2;
  uint64 delivered = 3;
}
`

const root = protobuf.parse(DDC_ACTIVITY_PROTO, { keepCase: true }).root

/** The reflected message types, looked up once. @example ddcTypes.ActivityRecord.decode(bytes) */
export const ddcTypes = {
  ActivityRecord: root.lookupType('ccpbridge.ddc.ActivityRecord'),
  ActivityRequest: root.lookupType('ccpbridge.ddc.ActivityRequest'),
  ActivityAcknowledgment: root.lookupType('ccpbridge.ddc.ActivityAcknowledgment'),
  Signature: root.lookupType('ccpbridge.ddc.Signature'),
} as const
