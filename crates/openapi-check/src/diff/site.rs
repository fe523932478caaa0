//! Where a schema is being compared: it decides the direction a change is
//! judged in (what clients send, or what they read) and which rule of a
//! family reports it.

use super::DiffRule;

/// Values clients send, or values they read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Direction {
    Request,
    Response,
}

/// The schema of a parameter, of a request or response body (or anything
/// inside it), or of a response header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Site {
    Parameter,
    RequestBody,
    ResponseBody,
    ResponseHeader,
}

impl Site {
    pub fn direction(self) -> Direction {
        match self {
            Site::Parameter | Site::RequestBody => Direction::Request,
            Site::ResponseBody | Site::ResponseHeader => Direction::Response,
        }
    }

    pub fn is_request(self) -> bool {
        self.direction() == Direction::Request
    }

    /// The rule of a family with a parameter, a request-body and a response
    /// member (a response header uses the response's).
    pub fn pick(self, parameter: DiffRule, request: DiffRule, response: DiffRule) -> DiffRule {
        match self {
            Site::Parameter => parameter,
            Site::RequestBody => request,
            Site::ResponseBody | Site::ResponseHeader => response,
        }
    }

    /// [`Site::pick`] for a family that has no parameter member of its own:
    /// a parameter is reported with the request body's rule.
    pub fn pick2(self, request: DiffRule, response: DiffRule) -> DiffRule {
        self.pick(request, request, response)
    }
}
