// The OpenAPI 3.1 document of every public route, served at /openapi.json. It is kept true by
// tests: every route the router has must be here and everything here must be a route
// (OpenAPITests), and scripts/check-openapi.sh runs openapi-spec-validator and schemathesis
// against a live server with it. Edit the JSON here; it is the only copy.

extension OpenAPIController {
    static let document = #"""
        {
          "openapi": "3.1.0",
          "info": {
            "title": "Cairn",
            "version": "0.1.0",
            "summary": "A self-hosted customer data platform.",
            "description": "Every HTTP route of `cairn serve`. Every answer that is not a success is JSON (`{\"success\":false,\"code\",\"message\"}`; the Salesmachine API's own style on its routes): a path Cairn does not serve is `404 route_not_found`, a method it does not take there `405 method_not_allowed` with `Allow`, and a request the HTTP parser refuses `400 malformed_request` or `400 malformed_body`. `HEAD` is answered wherever `GET` is. A node with `--role worker` serves only `/health`, `/ready` and `/metrics`."
          },
          "servers": [
            {
              "url": "http://127.0.0.1:8080",
              "description": "`cairn serve` with its defaults."
            }
          ],
          "tags": [
            {
              "name": "Track API",
              "description": "The spec's own event API."
            },
            {
              "name": "Events API",
              "description": "Events' status, with a Track API token."
            },
            {
              "name": "Profiles",
              "description": "Customer profiles, with a Track API token."
            },
            {
              "name": "Groups",
              "description": "Groups (accounts), with a Track API token."
            },
            {
              "name": "Segment API",
              "description": "Segment's HTTP API (and RudderStack's)."
            },
            {
              "name": "Salesmachine API",
              "description": "The Salesmachine tracking API."
            },
            {
              "name": "Admin: tokens"
            },
            {
              "name": "Admin: brands"
            },
            {
              "name": "Admin: assets"
            },
            {
              "name": "Admin: channels"
            },
            {
              "name": "Admin: messages"
            },
            {
              "name": "Admin: regulations",
              "description": "Privacy requests (suppression, deletion, access)."
            },
            {
              "name": "Unsubscribe"
            },
            {
              "name": "Webhooks"
            },
            {
              "name": "Operations"
            }
          ],
          "paths": {
            "/track/{clientId}/{accountId}/{brandId}/v1/identify": {
              "post": {
                "tags": [
                  "Track API"
                ],
                "operationId": "track_identify",
                "summary": "Identify a customer (sets traits).",
                "description": "The action name is read in any letter case. The answer is sent once the event is on disk.",
                "security": [
                  {
                    "TrackToken": []
                  }
                ],
                "parameters": [
                  {
                    "$ref": "#/components/parameters/clientId"
                  },
                  {
                    "$ref": "#/components/parameters/accountId"
                  },
                  {
                    "$ref": "#/components/parameters/brandId"
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/TrackIdentify"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "$ref": "#/components/responses/Track200"
                  },
                  "400": {
                    "description": "The body or a field breaks the rules.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "invalid_json",
                                    "json_too_deep",
                                    "body_not_object",
                                    "malformed_body",
                                    "missing_user_id",
                                    "missing_traits",
                                    "event_mismatch",
                                    "invalid_field_type",
                                    "invalid_timestamp",
                                    "timestamp_in_future",
                                    "invalid_character",
                                    "value_too_long",
                                    "blank_id"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    },
                    "headers": {
                      "RateLimit-Policy": {
                        "$ref": "#/components/headers/RateLimitPolicy"
                      },
                      "RateLimit": {
                        "$ref": "#/components/headers/RateLimit"
                      }
                    }
                  },
                  "403": {
                    "$ref": "#/components/responses/TrackForbidden"
                  },
                  "413": {
                    "$ref": "#/components/responses/Track413"
                  },
                  "415": {
                    "$ref": "#/components/responses/Track415"
                  },
                  "429": {
                    "$ref": "#/components/responses/TrackRateLimited"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/track/{clientId}/{accountId}/{brandId}/v1/track": {
              "post": {
                "tags": [
                  "Track API"
                ],
                "operationId": "track_track",
                "summary": "Record what a customer did, or a command (send_email, send_sms, send_print, send_push, start_journey).",
                "description": "The action name is read in any letter case. The answer is sent once the event is on disk.",
                "security": [
                  {
                    "TrackToken": []
                  }
                ],
                "parameters": [
                  {
                    "$ref": "#/components/parameters/clientId"
                  },
                  {
                    "$ref": "#/components/parameters/accountId"
                  },
                  {
                    "$ref": "#/components/parameters/brandId"
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/TrackTrack"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "$ref": "#/components/responses/Track200"
                  },
                  "400": {
                    "description": "The body or a field breaks the rules.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "invalid_json",
                                    "json_too_deep",
                                    "body_not_object",
                                    "malformed_body",
                                    "missing_user_id",
                                    "missing_event",
                                    "missing_asset_id",
                                    "missing_journey_id",
                                    "invalid_step_id",
                                    "invalid_field_type",
                                    "invalid_timestamp",
                                    "timestamp_in_future",
                                    "invalid_character",
                                    "value_too_long",
                                    "blank_id"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    },
                    "headers": {
                      "RateLimit-Policy": {
                        "$ref": "#/components/headers/RateLimitPolicy"
                      },
                      "RateLimit": {
                        "$ref": "#/components/headers/RateLimit"
                      }
                    }
                  },
                  "403": {
                    "$ref": "#/components/responses/TrackForbidden"
                  },
                  "413": {
                    "$ref": "#/components/responses/Track413"
                  },
                  "415": {
                    "$ref": "#/components/responses/Track415"
                  },
                  "429": {
                    "$ref": "#/components/responses/TrackRateLimited"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/track/{clientId}/{accountId}/{brandId}/v1/page": {
              "post": {
                "tags": [
                  "Track API"
                ],
                "operationId": "track_page",
                "summary": "Record a page view.",
                "description": "The action name is read in any letter case. The answer is sent once the event is on disk.",
                "security": [
                  {
                    "TrackToken": []
                  }
                ],
                "parameters": [
                  {
                    "$ref": "#/components/parameters/clientId"
                  },
                  {
                    "$ref": "#/components/parameters/accountId"
                  },
                  {
                    "$ref": "#/components/parameters/brandId"
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/TrackPage"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "$ref": "#/components/responses/Track200"
                  },
                  "400": {
                    "$ref": "#/components/responses/TrackPageOrScreenRefused"
                  },
                  "403": {
                    "$ref": "#/components/responses/TrackForbidden"
                  },
                  "413": {
                    "$ref": "#/components/responses/Track413"
                  },
                  "415": {
                    "$ref": "#/components/responses/Track415"
                  },
                  "429": {
                    "$ref": "#/components/responses/TrackRateLimited"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/track/{clientId}/{accountId}/{brandId}/v1/screen": {
              "post": {
                "tags": [
                  "Track API"
                ],
                "operationId": "track_screen",
                "summary": "Record a screen view.",
                "description": "The action name is read in any letter case. The answer is sent once the event is on disk.",
                "security": [
                  {
                    "TrackToken": []
                  }
                ],
                "parameters": [
                  {
                    "$ref": "#/components/parameters/clientId"
                  },
                  {
                    "$ref": "#/components/parameters/accountId"
                  },
                  {
                    "$ref": "#/components/parameters/brandId"
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/TrackPage"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "$ref": "#/components/responses/Track200"
                  },
                  "400": {
                    "$ref": "#/components/responses/TrackPageOrScreenRefused"
                  },
                  "403": {
                    "$ref": "#/components/responses/TrackForbidden"
                  },
                  "413": {
                    "$ref": "#/components/responses/Track413"
                  },
                  "415": {
                    "$ref": "#/components/responses/Track415"
                  },
                  "429": {
                    "$ref": "#/components/responses/TrackRateLimited"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/track/{clientId}/{accountId}/{brandId}/v1/batch": {
              "post": {
                "tags": [
                  "Track API"
                ],
                "operationId": "track_batch",
                "summary": "Several events at once, validated and refused whole.",
                "security": [
                  {
                    "TrackToken": []
                  }
                ],
                "parameters": [
                  {
                    "$ref": "#/components/parameters/clientId"
                  },
                  {
                    "$ref": "#/components/parameters/accountId"
                  },
                  {
                    "$ref": "#/components/parameters/brandId"
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/TrackBatch"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "Every item stored, their ids in the items' order.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/TrackBatchAccepted"
                        }
                      }
                    },
                    "headers": {
                      "RateLimit-Policy": {
                        "$ref": "#/components/headers/RateLimitPolicy"
                      },
                      "RateLimit": {
                        "$ref": "#/components/headers/RateLimit"
                      }
                    }
                  },
                  "400": {
                    "description": "The body or a field breaks the rules.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "invalid_json",
                                    "json_too_deep",
                                    "body_not_object",
                                    "malformed_body",
                                    "missing_batch",
                                    "empty_batch",
                                    "batch_too_large",
                                    "invalid_batch_items",
                                    "unknown_action",
                                    "missing_user_id",
                                    "missing_traits",
                                    "missing_event",
                                    "missing_user_or_anonymous_id",
                                    "event_mismatch",
                                    "missing_asset_id",
                                    "missing_journey_id",
                                    "invalid_step_id",
                                    "invalid_field_type",
                                    "invalid_timestamp",
                                    "timestamp_in_future",
                                    "invalid_character",
                                    "value_too_long",
                                    "blank_id"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    },
                    "headers": {
                      "RateLimit-Policy": {
                        "$ref": "#/components/headers/RateLimitPolicy"
                      },
                      "RateLimit": {
                        "$ref": "#/components/headers/RateLimit"
                      }
                    }
                  },
                  "403": {
                    "$ref": "#/components/responses/TrackForbidden"
                  },
                  "413": {
                    "$ref": "#/components/responses/Track413"
                  },
                  "415": {
                    "$ref": "#/components/responses/Track415"
                  },
                  "429": {
                    "$ref": "#/components/responses/TrackRateLimited"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/track/{clientId}/{accountId}/{brandId}/v1/events": {
              "get": {
                "tags": [
                  "Events API"
                ],
                "operationId": "events_list",
                "summary": "The brand's events, newest first (by log order), without their messages.",
                "description": "A parameter the API does not take is `400 unknown_parameter`. Query strings are read as forms write them: `+` is a space, `%2B` a plus.",
                "security": [
                  {
                    "TrackToken": []
                  }
                ],
                "parameters": [
                  {
                    "$ref": "#/components/parameters/clientId"
                  },
                  {
                    "$ref": "#/components/parameters/accountId"
                  },
                  {
                    "$ref": "#/components/parameters/brandId"
                  },
                  {
                    "name": "userId",
                    "in": "query",
                    "required": false,
                    "description": "Only this user's events.",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "event",
                    "in": "query",
                    "required": false,
                    "description": "Only events of this name.",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "status",
                    "in": "query",
                    "required": false,
                    "description": "Only events in this state.",
                    "schema": {
                      "type": "string",
                      "enum": [
                        "accepted",
                        "processed",
                        "failed"
                      ]
                    }
                  },
                  {
                    "name": "start",
                    "in": "query",
                    "required": false,
                    "description": "Event time at or after (ISO-8601).",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "end",
                    "in": "query",
                    "required": false,
                    "description": "Event time before (ISO-8601).",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "from",
                    "in": "query",
                    "required": false,
                    "description": "Events to skip (default 0).",
                    "schema": {
                      "type": "integer",
                      "minimum": 0
                    }
                  },
                  {
                    "name": "size",
                    "in": "query",
                    "required": false,
                    "description": "Events per page (default 20).",
                    "schema": {
                      "type": "integer",
                      "minimum": 1,
                      "maximum": 100
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "A page of events.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/EventList"
                        }
                      }
                    },
                    "headers": {
                      "RateLimit-Policy": {
                        "$ref": "#/components/headers/RateLimitPolicy"
                      },
                      "RateLimit": {
                        "$ref": "#/components/headers/RateLimit"
                      }
                    }
                  },
                  "403": {
                    "$ref": "#/components/responses/TrackForbidden"
                  },
                  "429": {
                    "$ref": "#/components/responses/TrackRateLimited"
                  },
                  "400": {
                    "description": "A query parameter is wrong.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "unknown_parameter",
                                    "invalid_status",
                                    "invalid_timestamp",
                                    "invalid_paging"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    },
                    "headers": {
                      "RateLimit-Policy": {
                        "$ref": "#/components/headers/RateLimitPolicy"
                      },
                      "RateLimit": {
                        "$ref": "#/components/headers/RateLimit"
                      }
                    }
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/track/{clientId}/{accountId}/{brandId}/v1/events/{eventId}": {
              "get": {
                "tags": [
                  "Events API"
                ],
                "operationId": "events_status",
                "summary": "One event's status, errors and the messages it caused.",
                "security": [
                  {
                    "TrackToken": []
                  }
                ],
                "parameters": [
                  {
                    "$ref": "#/components/parameters/clientId"
                  },
                  {
                    "$ref": "#/components/parameters/accountId"
                  },
                  {
                    "$ref": "#/components/parameters/brandId"
                  },
                  {
                    "name": "eventId",
                    "in": "path",
                    "required": true,
                    "description": "The event's id (a UUID).",
                    "schema": {
                      "type": "string",
                      "minLength": 1
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The event.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "type": "object",
                              "required": [
                                "success"
                              ],
                              "properties": {
                                "success": {
                                  "const": true
                                }
                              },
                              "additionalProperties": true
                            },
                            {
                              "$ref": "#/components/schemas/EventWithMessages"
                            }
                          ]
                        }
                      }
                    },
                    "headers": {
                      "RateLimit-Policy": {
                        "$ref": "#/components/headers/RateLimitPolicy"
                      },
                      "RateLimit": {
                        "$ref": "#/components/headers/RateLimit"
                      }
                    }
                  },
                  "403": {
                    "$ref": "#/components/responses/TrackForbidden"
                  },
                  "429": {
                    "$ref": "#/components/responses/TrackRateLimited"
                  },
                  "404": {
                    "description": "Nothing found.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "event_not_found"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    },
                    "headers": {
                      "RateLimit-Policy": {
                        "$ref": "#/components/headers/RateLimitPolicy"
                      },
                      "RateLimit": {
                        "$ref": "#/components/headers/RateLimit"
                      }
                    }
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/track/{clientId}/{accountId}/{brandId}/v1/profiles/{lookup}/{view}": {
              "get": {
                "tags": [
                  "Profiles"
                ],
                "operationId": "profiles_show",
                "summary": "A customer profile's traits, meta or timeline.",
                "security": [
                  {
                    "TrackToken": []
                  }
                ],
                "parameters": [
                  {
                    "$ref": "#/components/parameters/clientId"
                  },
                  {
                    "$ref": "#/components/parameters/accountId"
                  },
                  {
                    "$ref": "#/components/parameters/brandId"
                  },
                  {
                    "name": "lookup",
                    "in": "path",
                    "required": true,
                    "description": "`userId:VALUE`, `email:VALUE` (any case; may match several customers) or `id:VALUE` (the customerId), VALUE URL-encoded. Otherwise `400 invalid_profile_lookup`.",
                    "schema": {
                      "type": "string",
                      "pattern": "^(userId|email|id):.+$"
                    },
                    "example": "userId:ABC/123"
                  },
                  {
                    "name": "view",
                    "in": "path",
                    "required": true,
                    "description": "`traits`, `meta` or `events`; anything else is `404 unknown_view`.",
                    "schema": {
                      "type": "string",
                      "enum": [
                        "traits",
                        "meta",
                        "events"
                      ]
                    }
                  },
                  {
                    "name": "from",
                    "in": "query",
                    "required": false,
                    "description": "`events` view: events to skip (default 0).",
                    "schema": {
                      "type": "integer",
                      "minimum": 0
                    }
                  },
                  {
                    "name": "size",
                    "in": "query",
                    "required": false,
                    "description": "`events` view: events per page (default 20).",
                    "schema": {
                      "type": "integer",
                      "minimum": 1,
                      "maximum": 100
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The view.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/ProfileAnswer"
                        }
                      }
                    },
                    "headers": {
                      "RateLimit-Policy": {
                        "$ref": "#/components/headers/RateLimitPolicy"
                      },
                      "RateLimit": {
                        "$ref": "#/components/headers/RateLimit"
                      }
                    }
                  },
                  "403": {
                    "$ref": "#/components/responses/TrackForbidden"
                  },
                  "429": {
                    "$ref": "#/components/responses/TrackRateLimited"
                  },
                  "400": {
                    "description": "A query parameter is wrong.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "invalid_profile_lookup",
                                    "invalid_paging"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    },
                    "headers": {
                      "RateLimit-Policy": {
                        "$ref": "#/components/headers/RateLimitPolicy"
                      },
                      "RateLimit": {
                        "$ref": "#/components/headers/RateLimit"
                      }
                    }
                  },
                  "404": {
                    "description": "Nothing found.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "profile_not_found",
                                    "unknown_view"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    },
                    "headers": {
                      "RateLimit-Policy": {
                        "$ref": "#/components/headers/RateLimitPolicy"
                      },
                      "RateLimit": {
                        "$ref": "#/components/headers/RateLimit"
                      }
                    }
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/track/{clientId}/{accountId}/{brandId}/v1/groups/{groupId}": {
              "get": {
                "tags": [
                  "Groups"
                ],
                "operationId": "groups_show",
                "summary": "A group (account) as group calls described it.",
                "security": [
                  {
                    "TrackToken": []
                  }
                ],
                "parameters": [
                  {
                    "$ref": "#/components/parameters/clientId"
                  },
                  {
                    "$ref": "#/components/parameters/accountId"
                  },
                  {
                    "$ref": "#/components/parameters/brandId"
                  },
                  {
                    "name": "groupId",
                    "in": "path",
                    "required": true,
                    "description": "The group's id, URL-encoded (`Acme%20Inc%2FEU`).",
                    "schema": {
                      "type": "string",
                      "minLength": 1
                    },
                    "example": "78910"
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The group.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Group"
                        }
                      }
                    },
                    "headers": {
                      "RateLimit-Policy": {
                        "$ref": "#/components/headers/RateLimitPolicy"
                      },
                      "RateLimit": {
                        "$ref": "#/components/headers/RateLimit"
                      }
                    }
                  },
                  "403": {
                    "$ref": "#/components/responses/TrackForbidden"
                  },
                  "429": {
                    "$ref": "#/components/responses/TrackRateLimited"
                  },
                  "404": {
                    "description": "Nothing found.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "group_not_found"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    },
                    "headers": {
                      "RateLimit-Policy": {
                        "$ref": "#/components/headers/RateLimitPolicy"
                      },
                      "RateLimit": {
                        "$ref": "#/components/headers/RateLimit"
                      }
                    }
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/v1/identify": {
              "post": {
                "tags": [
                  "Segment API"
                ],
                "operationId": "segment_identify",
                "summary": "Segment's identify call.",
                "description": "Key: the user name of HTTP Basic auth, or `writeKey` in the body (read only when the header has none). Bodies may be `Content-Encoding: gzip` or `deflate`; any content type is read as JSON (analytics.js sends text/plain). 32 KB per message, 500 KB per request, after decompression.",
                "security": [
                  {
                    "WriteKeyBasic": []
                  },
                  {}
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/SegmentIdentify"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "$ref": "#/components/responses/Segment200"
                  },
                  "400": {
                    "$ref": "#/components/responses/SegmentCallRefused"
                  },
                  "401": {
                    "$ref": "#/components/responses/Segment401"
                  },
                  "403": {
                    "$ref": "#/components/responses/Segment403"
                  },
                  "415": {
                    "$ref": "#/components/responses/Segment415"
                  },
                  "429": {
                    "$ref": "#/components/responses/Segment429"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Segment503"
                  }
                }
              },
              "options": {
                "tags": [
                  "Segment API"
                ],
                "operationId": "segment_preflight_identify",
                "summary": "CORS preflight.",
                "security": [],
                "responses": {
                  "204": {
                    "$ref": "#/components/responses/SegmentPreflight"
                  }
                }
              }
            },
            "/v1/i": {
              "post": {
                "tags": [
                  "Segment API"
                ],
                "operationId": "segment_i",
                "summary": "Segment's identify call. analytics.js's short form of `/v1/identify`.",
                "description": "Key: the user name of HTTP Basic auth, or `writeKey` in the body (read only when the header has none). Bodies may be `Content-Encoding: gzip` or `deflate`; any content type is read as JSON (analytics.js sends text/plain). 32 KB per message, 500 KB per request, after decompression.",
                "security": [
                  {
                    "WriteKeyBasic": []
                  },
                  {}
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/SegmentIdentify"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "$ref": "#/components/responses/Segment200"
                  },
                  "400": {
                    "$ref": "#/components/responses/SegmentCallRefused"
                  },
                  "401": {
                    "$ref": "#/components/responses/Segment401"
                  },
                  "403": {
                    "$ref": "#/components/responses/Segment403"
                  },
                  "415": {
                    "$ref": "#/components/responses/Segment415"
                  },
                  "429": {
                    "$ref": "#/components/responses/Segment429"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Segment503"
                  }
                }
              },
              "options": {
                "tags": [
                  "Segment API"
                ],
                "operationId": "segment_preflight_i",
                "summary": "CORS preflight.",
                "security": [],
                "responses": {
                  "204": {
                    "$ref": "#/components/responses/SegmentPreflight"
                  }
                }
              }
            },
            "/v1/track": {
              "post": {
                "tags": [
                  "Segment API"
                ],
                "operationId": "segment_track",
                "summary": "Segment's track call.",
                "description": "Key: the user name of HTTP Basic auth, or `writeKey` in the body (read only when the header has none). Bodies may be `Content-Encoding: gzip` or `deflate`; any content type is read as JSON (analytics.js sends text/plain). 32 KB per message, 500 KB per request, after decompression.",
                "security": [
                  {
                    "WriteKeyBasic": []
                  },
                  {}
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/SegmentTrack"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "$ref": "#/components/responses/Segment200"
                  },
                  "400": {
                    "$ref": "#/components/responses/SegmentTrackRefused"
                  },
                  "401": {
                    "$ref": "#/components/responses/Segment401"
                  },
                  "403": {
                    "$ref": "#/components/responses/Segment403"
                  },
                  "415": {
                    "$ref": "#/components/responses/Segment415"
                  },
                  "429": {
                    "$ref": "#/components/responses/Segment429"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Segment503"
                  }
                }
              },
              "options": {
                "tags": [
                  "Segment API"
                ],
                "operationId": "segment_preflight_track",
                "summary": "CORS preflight.",
                "security": [],
                "responses": {
                  "204": {
                    "$ref": "#/components/responses/SegmentPreflight"
                  }
                }
              }
            },
            "/v1/t": {
              "post": {
                "tags": [
                  "Segment API"
                ],
                "operationId": "segment_t",
                "summary": "Segment's track call. analytics.js's short form of `/v1/track`.",
                "description": "Key: the user name of HTTP Basic auth, or `writeKey` in the body (read only when the header has none). Bodies may be `Content-Encoding: gzip` or `deflate`; any content type is read as JSON (analytics.js sends text/plain). 32 KB per message, 500 KB per request, after decompression.",
                "security": [
                  {
                    "WriteKeyBasic": []
                  },
                  {}
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/SegmentTrack"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "$ref": "#/components/responses/Segment200"
                  },
                  "400": {
                    "$ref": "#/components/responses/SegmentTrackRefused"
                  },
                  "401": {
                    "$ref": "#/components/responses/Segment401"
                  },
                  "403": {
                    "$ref": "#/components/responses/Segment403"
                  },
                  "415": {
                    "$ref": "#/components/responses/Segment415"
                  },
                  "429": {
                    "$ref": "#/components/responses/Segment429"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Segment503"
                  }
                }
              },
              "options": {
                "tags": [
                  "Segment API"
                ],
                "operationId": "segment_preflight_t",
                "summary": "CORS preflight.",
                "security": [],
                "responses": {
                  "204": {
                    "$ref": "#/components/responses/SegmentPreflight"
                  }
                }
              }
            },
            "/v1/page": {
              "post": {
                "tags": [
                  "Segment API"
                ],
                "operationId": "segment_page",
                "summary": "Segment's page call.",
                "description": "Key: the user name of HTTP Basic auth, or `writeKey` in the body (read only when the header has none). Bodies may be `Content-Encoding: gzip` or `deflate`; any content type is read as JSON (analytics.js sends text/plain). 32 KB per message, 500 KB per request, after decompression.",
                "security": [
                  {
                    "WriteKeyBasic": []
                  },
                  {}
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/SegmentPage"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "$ref": "#/components/responses/Segment200"
                  },
                  "400": {
                    "$ref": "#/components/responses/SegmentCallRefused"
                  },
                  "401": {
                    "$ref": "#/components/responses/Segment401"
                  },
                  "403": {
                    "$ref": "#/components/responses/Segment403"
                  },
                  "415": {
                    "$ref": "#/components/responses/Segment415"
                  },
                  "429": {
                    "$ref": "#/components/responses/Segment429"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Segment503"
                  }
                }
              },
              "options": {
                "tags": [
                  "Segment API"
                ],
                "operationId": "segment_preflight_page",
                "summary": "CORS preflight.",
                "security": [],
                "responses": {
                  "204": {
                    "$ref": "#/components/responses/SegmentPreflight"
                  }
                }
              }
            },
            "/v1/p": {
              "post": {
                "tags": [
                  "Segment API"
                ],
                "operationId": "segment_p",
                "summary": "Segment's page call. analytics.js's short form of `/v1/page`.",
                "description": "Key: the user name of HTTP Basic auth, or `writeKey` in the body (read only when the header has none). Bodies may be `Content-Encoding: gzip` or `deflate`; any content type is read as JSON (analytics.js sends text/plain). 32 KB per message, 500 KB per request, after decompression.",
                "security": [
                  {
                    "WriteKeyBasic": []
                  },
                  {}
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/SegmentPage"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "$ref": "#/components/responses/Segment200"
                  },
                  "400": {
                    "$ref": "#/components/responses/SegmentCallRefused"
                  },
                  "401": {
                    "$ref": "#/components/responses/Segment401"
                  },
                  "403": {
                    "$ref": "#/components/responses/Segment403"
                  },
                  "415": {
                    "$ref": "#/components/responses/Segment415"
                  },
                  "429": {
                    "$ref": "#/components/responses/Segment429"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Segment503"
                  }
                }
              },
              "options": {
                "tags": [
                  "Segment API"
                ],
                "operationId": "segment_preflight_p",
                "summary": "CORS preflight.",
                "security": [],
                "responses": {
                  "204": {
                    "$ref": "#/components/responses/SegmentPreflight"
                  }
                }
              }
            },
            "/v1/screen": {
              "post": {
                "tags": [
                  "Segment API"
                ],
                "operationId": "segment_screen",
                "summary": "Segment's screen call.",
                "description": "Key: the user name of HTTP Basic auth, or `writeKey` in the body (read only when the header has none). Bodies may be `Content-Encoding: gzip` or `deflate`; any content type is read as JSON (analytics.js sends text/plain). 32 KB per message, 500 KB per request, after decompression.",
                "security": [
                  {
                    "WriteKeyBasic": []
                  },
                  {}
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/SegmentScreen"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "$ref": "#/components/responses/Segment200"
                  },
                  "400": {
                    "$ref": "#/components/responses/SegmentCallRefused"
                  },
                  "401": {
                    "$ref": "#/components/responses/Segment401"
                  },
                  "403": {
                    "$ref": "#/components/responses/Segment403"
                  },
                  "415": {
                    "$ref": "#/components/responses/Segment415"
                  },
                  "429": {
                    "$ref": "#/components/responses/Segment429"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Segment503"
                  }
                }
              },
              "options": {
                "tags": [
                  "Segment API"
                ],
                "operationId": "segment_preflight_screen",
                "summary": "CORS preflight.",
                "security": [],
                "responses": {
                  "204": {
                    "$ref": "#/components/responses/SegmentPreflight"
                  }
                }
              }
            },
            "/v1/s": {
              "post": {
                "tags": [
                  "Segment API"
                ],
                "operationId": "segment_s",
                "summary": "Segment's screen call. analytics.js's short form of `/v1/screen`.",
                "description": "Key: the user name of HTTP Basic auth, or `writeKey` in the body (read only when the header has none). Bodies may be `Content-Encoding: gzip` or `deflate`; any content type is read as JSON (analytics.js sends text/plain). 32 KB per message, 500 KB per request, after decompression.",
                "security": [
                  {
                    "WriteKeyBasic": []
                  },
                  {}
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/SegmentScreen"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "$ref": "#/components/responses/Segment200"
                  },
                  "400": {
                    "$ref": "#/components/responses/SegmentCallRefused"
                  },
                  "401": {
                    "$ref": "#/components/responses/Segment401"
                  },
                  "403": {
                    "$ref": "#/components/responses/Segment403"
                  },
                  "415": {
                    "$ref": "#/components/responses/Segment415"
                  },
                  "429": {
                    "$ref": "#/components/responses/Segment429"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Segment503"
                  }
                }
              },
              "options": {
                "tags": [
                  "Segment API"
                ],
                "operationId": "segment_preflight_s",
                "summary": "CORS preflight.",
                "security": [],
                "responses": {
                  "204": {
                    "$ref": "#/components/responses/SegmentPreflight"
                  }
                }
              }
            },
            "/v1/group": {
              "post": {
                "tags": [
                  "Segment API"
                ],
                "operationId": "segment_group",
                "summary": "Segment's group call.",
                "description": "Key: the user name of HTTP Basic auth, or `writeKey` in the body (read only when the header has none). Bodies may be `Content-Encoding: gzip` or `deflate`; any content type is read as JSON (analytics.js sends text/plain). 32 KB per message, 500 KB per request, after decompression.",
                "security": [
                  {
                    "WriteKeyBasic": []
                  },
                  {}
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/SegmentGroup"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "$ref": "#/components/responses/Segment200"
                  },
                  "400": {
                    "$ref": "#/components/responses/SegmentGroupRefused"
                  },
                  "401": {
                    "$ref": "#/components/responses/Segment401"
                  },
                  "403": {
                    "$ref": "#/components/responses/Segment403"
                  },
                  "415": {
                    "$ref": "#/components/responses/Segment415"
                  },
                  "429": {
                    "$ref": "#/components/responses/Segment429"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Segment503"
                  }
                }
              },
              "options": {
                "tags": [
                  "Segment API"
                ],
                "operationId": "segment_preflight_group",
                "summary": "CORS preflight.",
                "security": [],
                "responses": {
                  "204": {
                    "$ref": "#/components/responses/SegmentPreflight"
                  }
                }
              }
            },
            "/v1/g": {
              "post": {
                "tags": [
                  "Segment API"
                ],
                "operationId": "segment_g",
                "summary": "Segment's group call. analytics.js's short form of `/v1/group`.",
                "description": "Key: the user name of HTTP Basic auth, or `writeKey` in the body (read only when the header has none). Bodies may be `Content-Encoding: gzip` or `deflate`; any content type is read as JSON (analytics.js sends text/plain). 32 KB per message, 500 KB per request, after decompression.",
                "security": [
                  {
                    "WriteKeyBasic": []
                  },
                  {}
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/SegmentGroup"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "$ref": "#/components/responses/Segment200"
                  },
                  "400": {
                    "$ref": "#/components/responses/SegmentGroupRefused"
                  },
                  "401": {
                    "$ref": "#/components/responses/Segment401"
                  },
                  "403": {
                    "$ref": "#/components/responses/Segment403"
                  },
                  "415": {
                    "$ref": "#/components/responses/Segment415"
                  },
                  "429": {
                    "$ref": "#/components/responses/Segment429"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Segment503"
                  }
                }
              },
              "options": {
                "tags": [
                  "Segment API"
                ],
                "operationId": "segment_preflight_g",
                "summary": "CORS preflight.",
                "security": [],
                "responses": {
                  "204": {
                    "$ref": "#/components/responses/SegmentPreflight"
                  }
                }
              }
            },
            "/v1/alias": {
              "post": {
                "tags": [
                  "Segment API"
                ],
                "operationId": "segment_alias",
                "summary": "Segment's alias call.",
                "description": "Key: the user name of HTTP Basic auth, or `writeKey` in the body (read only when the header has none). Bodies may be `Content-Encoding: gzip` or `deflate`; any content type is read as JSON (analytics.js sends text/plain). 32 KB per message, 500 KB per request, after decompression.",
                "security": [
                  {
                    "WriteKeyBasic": []
                  },
                  {}
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/SegmentAlias"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "$ref": "#/components/responses/Segment200"
                  },
                  "400": {
                    "$ref": "#/components/responses/SegmentAliasRefused"
                  },
                  "401": {
                    "$ref": "#/components/responses/Segment401"
                  },
                  "403": {
                    "$ref": "#/components/responses/Segment403"
                  },
                  "415": {
                    "$ref": "#/components/responses/Segment415"
                  },
                  "429": {
                    "$ref": "#/components/responses/Segment429"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Segment503"
                  }
                }
              },
              "options": {
                "tags": [
                  "Segment API"
                ],
                "operationId": "segment_preflight_alias",
                "summary": "CORS preflight.",
                "security": [],
                "responses": {
                  "204": {
                    "$ref": "#/components/responses/SegmentPreflight"
                  }
                }
              }
            },
            "/v1/a": {
              "post": {
                "tags": [
                  "Segment API"
                ],
                "operationId": "segment_a",
                "summary": "Segment's alias call. analytics.js's short form of `/v1/alias`.",
                "description": "Key: the user name of HTTP Basic auth, or `writeKey` in the body (read only when the header has none). Bodies may be `Content-Encoding: gzip` or `deflate`; any content type is read as JSON (analytics.js sends text/plain). 32 KB per message, 500 KB per request, after decompression.",
                "security": [
                  {
                    "WriteKeyBasic": []
                  },
                  {}
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/SegmentAlias"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "$ref": "#/components/responses/Segment200"
                  },
                  "400": {
                    "$ref": "#/components/responses/SegmentAliasRefused"
                  },
                  "401": {
                    "$ref": "#/components/responses/Segment401"
                  },
                  "403": {
                    "$ref": "#/components/responses/Segment403"
                  },
                  "415": {
                    "$ref": "#/components/responses/Segment415"
                  },
                  "429": {
                    "$ref": "#/components/responses/Segment429"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Segment503"
                  }
                }
              },
              "options": {
                "tags": [
                  "Segment API"
                ],
                "operationId": "segment_preflight_a",
                "summary": "CORS preflight.",
                "security": [],
                "responses": {
                  "204": {
                    "$ref": "#/components/responses/SegmentPreflight"
                  }
                }
              }
            },
            "/v1/import": {
              "post": {
                "tags": [
                  "Segment API"
                ],
                "operationId": "segment_batch_import",
                "summary": "Segment's import (a batch).",
                "description": "Key: the user name of HTTP Basic auth, or `writeKey` in the body (read only when the header has none). Bodies may be `Content-Encoding: gzip` or `deflate`; any content type is read as JSON (analytics.js sends text/plain). 32 KB per message, 500 KB per request, after decompression. The good messages are stored and the others listed in `rejected`; a batch with no good message is `400 invalid_batch_items`.",
                "security": [
                  {
                    "WriteKeyBasic": []
                  },
                  {}
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/SegmentBatch"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "$ref": "#/components/responses/Segment200"
                  },
                  "400": {
                    "$ref": "#/components/responses/SegmentBatchRefused"
                  },
                  "401": {
                    "$ref": "#/components/responses/Segment401"
                  },
                  "403": {
                    "$ref": "#/components/responses/Segment403"
                  },
                  "415": {
                    "$ref": "#/components/responses/Segment415"
                  },
                  "429": {
                    "$ref": "#/components/responses/Segment429"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Segment503"
                  }
                }
              },
              "options": {
                "tags": [
                  "Segment API"
                ],
                "operationId": "segment_preflight_import",
                "summary": "CORS preflight.",
                "security": [],
                "responses": {
                  "204": {
                    "$ref": "#/components/responses/SegmentPreflight"
                  }
                }
              }
            },
            "/v1/b": {
              "post": {
                "tags": [
                  "Segment API"
                ],
                "operationId": "segment_batch_b",
                "summary": "analytics.js's short form of a batch.",
                "description": "Key: the user name of HTTP Basic auth, or `writeKey` in the body (read only when the header has none). Bodies may be `Content-Encoding: gzip` or `deflate`; any content type is read as JSON (analytics.js sends text/plain). 32 KB per message, 500 KB per request, after decompression. The good messages are stored and the others listed in `rejected`; a batch with no good message is `400 invalid_batch_items`.",
                "security": [
                  {
                    "WriteKeyBasic": []
                  },
                  {}
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/SegmentBatch"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "$ref": "#/components/responses/Segment200"
                  },
                  "400": {
                    "$ref": "#/components/responses/SegmentBatchRefused"
                  },
                  "401": {
                    "$ref": "#/components/responses/Segment401"
                  },
                  "403": {
                    "$ref": "#/components/responses/Segment403"
                  },
                  "415": {
                    "$ref": "#/components/responses/Segment415"
                  },
                  "429": {
                    "$ref": "#/components/responses/Segment429"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Segment503"
                  }
                }
              },
              "options": {
                "tags": [
                  "Segment API"
                ],
                "operationId": "segment_preflight_b",
                "summary": "CORS preflight.",
                "security": [],
                "responses": {
                  "204": {
                    "$ref": "#/components/responses/SegmentPreflight"
                  }
                }
              }
            },
            "/v1/batch": {
              "post": {
                "tags": [
                  "Segment API",
                  "Salesmachine API"
                ],
                "operationId": "shared_batch",
                "summary": "A batch: Segment's (`{\"batch\":[…]}`) or Salesmachine's (a JSON array).",
                "description": "An `api_token` in the query string or a JSON array body is Salesmachine's batch (answered in its style, all or nothing); an object is Segment's. Key: the user name of HTTP Basic auth, or `writeKey` in the body (read only when the header has none). Bodies may be `Content-Encoding: gzip` or `deflate`; any content type is read as JSON (analytics.js sends text/plain). 32 KB per message, 500 KB per request, after decompression.",
                "security": [
                  {
                    "WriteKeyBasic": []
                  },
                  {
                    "ApiTokenQuery": []
                  },
                  {}
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "anyOf": [
                          {
                            "$ref": "#/components/schemas/SegmentBatch"
                          },
                          {
                            "$ref": "#/components/schemas/SalesmachineBatch"
                          }
                        ]
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "Taken (or a repeat of a messageId already taken).",
                    "content": {
                      "application/json": {
                        "schema": {
                          "anyOf": [
                            {
                              "$ref": "#/components/schemas/SegmentAccepted"
                            },
                            {
                              "$ref": "#/components/schemas/SalesmachineAccepted"
                            }
                          ]
                        }
                      }
                    },
                    "headers": {
                      "Access-Control-Allow-Origin": {
                        "$ref": "#/components/headers/AccessControlAllowOrigin"
                      },
                      "RateLimit-Policy": {
                        "$ref": "#/components/headers/RateLimitPolicy"
                      },
                      "RateLimit": {
                        "$ref": "#/components/headers/RateLimit"
                      }
                    }
                  },
                  "400": {
                    "description": "The body or a message breaks the rules.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "anyOf": [
                            {
                              "allOf": [
                                {
                                  "$ref": "#/components/schemas/Error"
                                },
                                {
                                  "type": "object",
                                  "properties": {
                                    "code": {
                                      "type": "string",
                                      "enum": [
                                        "invalid_json",
                                        "json_too_deep",
                                        "body_not_object",
                                        "malformed_body",
                                        "message_too_large",
                                        "request_too_large",
                                        "invalid_compressed_body",
                                        "missing_batch",
                                        "empty_batch",
                                        "batch_too_large",
                                        "invalid_batch_items",
                                        "unknown_method",
                                        "invalid_field_type",
                                        "invalid_timestamp",
                                        "timestamp_in_future",
                                        "invalid_character",
                                        "value_too_long",
                                        "blank_id"
                                      ]
                                    }
                                  }
                                }
                              ]
                            },
                            {
                              "allOf": [
                                {
                                  "$ref": "#/components/schemas/SalesmachineError"
                                },
                                {
                                  "type": "object",
                                  "properties": {
                                    "code": {
                                      "type": "string",
                                      "enum": [
                                        "missing_api_token",
                                        "request_too_large",
                                        "message_too_large",
                                        "malformed_body",
                                        "invalid_field_type",
                                        "missing_batch",
                                        "empty_batch",
                                        "batch_too_large",
                                        "invalid_batch_items",
                                        "unknown_method",
                                        "missing_contact_uid",
                                        "missing_event_uid",
                                        "missing_account_uid",
                                        "invalid_timestamp",
                                        "timestamp_in_future",
                                        "invalid_character",
                                        "value_too_long",
                                        "blank_id"
                                      ]
                                    }
                                  }
                                }
                              ]
                            }
                          ]
                        }
                      }
                    },
                    "headers": {
                      "Access-Control-Allow-Origin": {
                        "$ref": "#/components/headers/AccessControlAllowOrigin"
                      }
                    }
                  },
                  "401": {
                    "description": "No write key, or not a live token.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "anyOf": [
                            {
                              "allOf": [
                                {
                                  "$ref": "#/components/schemas/Error"
                                },
                                {
                                  "type": "object",
                                  "properties": {
                                    "code": {
                                      "type": "string",
                                      "enum": [
                                        "missing_write_key",
                                        "invalid_write_key"
                                      ]
                                    }
                                  }
                                }
                              ]
                            },
                            {
                              "allOf": [
                                {
                                  "$ref": "#/components/schemas/SalesmachineError"
                                },
                                {
                                  "type": "object",
                                  "properties": {
                                    "code": {
                                      "type": "string",
                                      "enum": [
                                        "invalid_api_token"
                                      ]
                                    }
                                  }
                                }
                              ]
                            }
                          ]
                        }
                      }
                    },
                    "headers": {
                      "Access-Control-Allow-Origin": {
                        "$ref": "#/components/headers/AccessControlAllowOrigin"
                      }
                    }
                  },
                  "403": {
                    "description": "The token covers every brand of its account; a write key must be brand-scoped.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "anyOf": [
                            {
                              "allOf": [
                                {
                                  "$ref": "#/components/schemas/Error"
                                },
                                {
                                  "type": "object",
                                  "properties": {
                                    "code": {
                                      "type": "string",
                                      "enum": [
                                        "key_not_brand_scoped"
                                      ]
                                    }
                                  }
                                }
                              ]
                            },
                            {
                              "allOf": [
                                {
                                  "$ref": "#/components/schemas/SalesmachineError"
                                },
                                {
                                  "type": "object",
                                  "properties": {
                                    "code": {
                                      "type": "string",
                                      "enum": [
                                        "key_not_brand_scoped"
                                      ]
                                    }
                                  }
                                }
                              ]
                            }
                          ]
                        }
                      }
                    },
                    "headers": {
                      "Access-Control-Allow-Origin": {
                        "$ref": "#/components/headers/AccessControlAllowOrigin"
                      }
                    }
                  },
                  "415": {
                    "description": "A Content-Encoding other than gzip, deflate or identity.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "anyOf": [
                            {
                              "allOf": [
                                {
                                  "$ref": "#/components/schemas/Error"
                                },
                                {
                                  "type": "object",
                                  "properties": {
                                    "code": {
                                      "type": "string",
                                      "enum": [
                                        "unsupported_content_encoding"
                                      ]
                                    }
                                  }
                                }
                              ]
                            },
                            {
                              "allOf": [
                                {
                                  "$ref": "#/components/schemas/SalesmachineError"
                                },
                                {
                                  "type": "object",
                                  "properties": {
                                    "code": {
                                      "type": "string",
                                      "enum": [
                                        "unsupported_content_encoding"
                                      ]
                                    }
                                  }
                                }
                              ]
                            }
                          ]
                        }
                      }
                    },
                    "headers": {
                      "Access-Control-Allow-Origin": {
                        "$ref": "#/components/headers/AccessControlAllowOrigin"
                      }
                    }
                  },
                  "429": {
                    "description": "The token's bucket is empty.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "anyOf": [
                            {
                              "allOf": [
                                {
                                  "$ref": "#/components/schemas/Error"
                                },
                                {
                                  "type": "object",
                                  "properties": {
                                    "code": {
                                      "type": "string",
                                      "enum": [
                                        "rate_limit_exceeded"
                                      ]
                                    }
                                  }
                                }
                              ]
                            },
                            {
                              "allOf": [
                                {
                                  "$ref": "#/components/schemas/SalesmachineError"
                                },
                                {
                                  "type": "object",
                                  "properties": {
                                    "code": {
                                      "type": "string",
                                      "enum": [
                                        "rate_limit_exceeded"
                                      ]
                                    }
                                  }
                                }
                              ]
                            }
                          ]
                        }
                      }
                    },
                    "headers": {
                      "Access-Control-Allow-Origin": {
                        "$ref": "#/components/headers/AccessControlAllowOrigin"
                      },
                      "RateLimit-Policy": {
                        "$ref": "#/components/headers/RateLimitPolicy"
                      },
                      "RateLimit": {
                        "$ref": "#/components/headers/RateLimit"
                      },
                      "Retry-After": {
                        "$ref": "#/components/headers/RetryAfter"
                      }
                    }
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "description": "Nothing was stored; retry.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "anyOf": [
                            {
                              "allOf": [
                                {
                                  "$ref": "#/components/schemas/Error"
                                },
                                {
                                  "type": "object",
                                  "properties": {
                                    "code": {
                                      "type": "string",
                                      "enum": [
                                        "unavailable"
                                      ]
                                    }
                                  }
                                }
                              ]
                            },
                            {
                              "allOf": [
                                {
                                  "$ref": "#/components/schemas/SalesmachineError"
                                },
                                {
                                  "type": "object",
                                  "properties": {
                                    "code": {
                                      "type": "string",
                                      "enum": [
                                        "unavailable"
                                      ]
                                    }
                                  }
                                }
                              ]
                            }
                          ]
                        }
                      }
                    },
                    "headers": {
                      "Access-Control-Allow-Origin": {
                        "$ref": "#/components/headers/AccessControlAllowOrigin"
                      }
                    }
                  },
                  "406": {
                    "description": "Salesmachine's batch (an `api_token` in the query): the body is not JSON or does not decompress.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/SalesmachineError"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "not_json"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    },
                    "headers": {
                      "Access-Control-Allow-Origin": {
                        "$ref": "#/components/headers/AccessControlAllowOrigin"
                      }
                    }
                  }
                }
              },
              "options": {
                "tags": [
                  "Segment API"
                ],
                "operationId": "segment_preflight_batch",
                "summary": "CORS preflight.",
                "security": [],
                "responses": {
                  "204": {
                    "$ref": "#/components/responses/SegmentPreflight"
                  }
                }
              }
            },
            "/v1/track/event": {
              "post": {
                "tags": [
                  "Salesmachine API"
                ],
                "operationId": "salesmachine_event",
                "summary": "A contact's event (`pageview`: a page view).",
                "description": "Key: `api_token` in the query string, or the user name of HTTP Basic auth (any password). Bodies may be gzip or deflate; 500 KB per request, 32 KB per call. `messageId` is de-duplicated as Segment's.",
                "security": [
                  {
                    "ApiTokenQuery": []
                  },
                  {
                    "WriteKeyBasic": []
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/SalesmachineEvent"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "$ref": "#/components/responses/Salesmachine200"
                  },
                  "400": {
                    "description": "No key, or the call breaks the rules.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/SalesmachineError"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "missing_api_token",
                                    "request_too_large",
                                    "message_too_large",
                                    "malformed_body",
                                    "body_not_object",
                                    "missing_contact_uid",
                                    "missing_event_uid",
                                    "invalid_field_type",
                                    "invalid_timestamp",
                                    "timestamp_in_future",
                                    "invalid_character",
                                    "value_too_long",
                                    "blank_id"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Salesmachine401"
                  },
                  "403": {
                    "$ref": "#/components/responses/Salesmachine403"
                  },
                  "406": {
                    "$ref": "#/components/responses/Salesmachine406"
                  },
                  "415": {
                    "$ref": "#/components/responses/Salesmachine415"
                  },
                  "429": {
                    "$ref": "#/components/responses/Salesmachine429"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Salesmachine503"
                  }
                }
              }
            },
            "/v1/contact": {
              "post": {
                "tags": [
                  "Salesmachine API"
                ],
                "operationId": "salesmachine_contact",
                "summary": "A contact's details (an identify).",
                "description": "Key: `api_token` in the query string, or the user name of HTTP Basic auth (any password). Bodies may be gzip or deflate; 500 KB per request, 32 KB per call. `messageId` is de-duplicated as Segment's.",
                "security": [
                  {
                    "ApiTokenQuery": []
                  },
                  {
                    "WriteKeyBasic": []
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/SalesmachineContact"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "$ref": "#/components/responses/Salesmachine200"
                  },
                  "400": {
                    "description": "No key, or the call breaks the rules.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/SalesmachineError"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "missing_api_token",
                                    "request_too_large",
                                    "message_too_large",
                                    "malformed_body",
                                    "body_not_object",
                                    "missing_contact_uid",
                                    "invalid_field_type",
                                    "invalid_timestamp",
                                    "timestamp_in_future",
                                    "invalid_character",
                                    "value_too_long",
                                    "blank_id"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Salesmachine401"
                  },
                  "403": {
                    "$ref": "#/components/responses/Salesmachine403"
                  },
                  "406": {
                    "$ref": "#/components/responses/Salesmachine406"
                  },
                  "415": {
                    "$ref": "#/components/responses/Salesmachine415"
                  },
                  "429": {
                    "$ref": "#/components/responses/Salesmachine429"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Salesmachine503"
                  }
                }
              }
            },
            "/v1/account": {
              "post": {
                "tags": [
                  "Salesmachine API"
                ],
                "operationId": "salesmachine_account",
                "summary": "An account's details (a group).",
                "description": "Key: `api_token` in the query string, or the user name of HTTP Basic auth (any password). Bodies may be gzip or deflate; 500 KB per request, 32 KB per call. `messageId` is de-duplicated as Segment's.",
                "security": [
                  {
                    "ApiTokenQuery": []
                  },
                  {
                    "WriteKeyBasic": []
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/SalesmachineAccount"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "$ref": "#/components/responses/Salesmachine200"
                  },
                  "400": {
                    "description": "No key, or the call breaks the rules.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/SalesmachineError"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "missing_api_token",
                                    "request_too_large",
                                    "message_too_large",
                                    "malformed_body",
                                    "body_not_object",
                                    "missing_account_uid",
                                    "invalid_field_type",
                                    "invalid_timestamp",
                                    "timestamp_in_future",
                                    "invalid_character",
                                    "value_too_long",
                                    "blank_id"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Salesmachine401"
                  },
                  "403": {
                    "$ref": "#/components/responses/Salesmachine403"
                  },
                  "406": {
                    "$ref": "#/components/responses/Salesmachine406"
                  },
                  "415": {
                    "$ref": "#/components/responses/Salesmachine415"
                  },
                  "429": {
                    "$ref": "#/components/responses/Salesmachine429"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Salesmachine503"
                  }
                }
              }
            },
            "/health": {
              "get": {
                "tags": [
                  "Operations"
                ],
                "operationId": "health",
                "summary": "Whether the server is up (it listens only once its database is open and migrated).",
                "security": [],
                "responses": {
                  "200": {
                    "description": "Up.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "status"
                          ],
                          "properties": {
                            "status": {
                              "const": "ok"
                            }
                          }
                        }
                      }
                    }
                  }
                }
              }
            },
            "/ready": {
              "get": {
                "tags": [
                  "Operations"
                ],
                "operationId": "ready",
                "summary": "Whether the database answers.",
                "security": [],
                "responses": {
                  "200": {
                    "description": "Ready.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "status"
                          ],
                          "properties": {
                            "status": {
                              "const": "ready"
                            }
                          }
                        }
                      }
                    }
                  },
                  "503": {
                    "description": "The database is not answering.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "status",
                            "code",
                            "message"
                          ],
                          "properties": {
                            "status": {
                              "const": "unavailable"
                            },
                            "code": {
                              "const": "database_unavailable"
                            },
                            "message": {
                              "type": "string"
                            }
                          },
                          "additionalProperties": true
                        }
                      }
                    }
                  }
                }
              }
            },
            "/metrics": {
              "get": {
                "tags": [
                  "Operations"
                ],
                "operationId": "metrics",
                "summary": "Every metric, in the Prometheus text format.",
                "description": "Open unless the server has `--metrics-token`; then only `Authorization: Bearer <token>`.",
                "security": [
                  {},
                  {
                    "MetricsBearer": []
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The metrics.",
                    "content": {
                      "text/plain": {
                        "schema": {
                          "type": "string"
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "A metrics token is set and was not sent.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "invalid_metrics_token"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  }
                }
              }
            },
            "/openapi.json": {
              "get": {
                "tags": [
                  "Operations"
                ],
                "operationId": "openapi",
                "summary": "This document.",
                "security": [],
                "responses": {
                  "200": {
                    "description": "The OpenAPI 3.1 document.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "openapi",
                            "paths"
                          ],
                          "additionalProperties": true
                        }
                      }
                    }
                  }
                }
              }
            },
            "/admin/v1/tokens": {
              "post": {
                "tags": [
                  "Admin: tokens"
                ],
                "operationId": "admin_tokens_create",
                "summary": "Create an API token; its secret is answered this once.",
                "security": [
                  {
                    "AdminBearer": []
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/TokenRequest"
                      }
                    }
                  },
                  "description": "Any content type is read as JSON."
                },
                "responses": {
                  "201": {
                    "description": "Created.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "type": "object",
                              "required": [
                                "success"
                              ],
                              "properties": {
                                "success": {
                                  "const": true
                                }
                              },
                              "additionalProperties": true
                            },
                            {
                              "$ref": "#/components/schemas/Token"
                            },
                            {
                              "type": "object",
                              "required": [
                                "secret"
                              ],
                              "properties": {
                                "secret": {
                                  "type": "string",
                                  "pattern": "^cairn_[0-9a-f]{16}_[0-9a-f]{48}$"
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/AdminUnauthorized"
                  },
                  "413": {
                    "$ref": "#/components/responses/AdminTooLarge"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "400": {
                    "description": "The body is not a JSON object, or a field is wrong.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "invalid_json",
                                    "body_not_object",
                                    "malformed_body",
                                    "missing_client",
                                    "missing_account",
                                    "invalid_client",
                                    "invalid_account",
                                    "invalid_brand",
                                    "invalid_rate",
                                    "invalid_burst"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  }
                }
              },
              "get": {
                "tags": [
                  "Admin: tokens"
                ],
                "operationId": "admin_tokens_list",
                "summary": "Every API token (never a secret).",
                "security": [
                  {
                    "AdminBearer": []
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The tokens.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "success",
                            "tokens"
                          ],
                          "properties": {
                            "success": {
                              "const": true
                            },
                            "tokens": {
                              "type": "array",
                              "items": {
                                "$ref": "#/components/schemas/Token"
                              }
                            }
                          },
                          "additionalProperties": true
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/AdminUnauthorized"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  }
                }
              }
            },
            "/admin/v1/tokens/{id}": {
              "delete": {
                "tags": [
                  "Admin: tokens"
                ],
                "operationId": "admin_tokens_revoke",
                "summary": "Revoke an API token (a running server stops accepting it within 5 seconds).",
                "security": [
                  {
                    "AdminBearer": []
                  }
                ],
                "parameters": [
                  {
                    "name": "id",
                    "in": "path",
                    "required": true,
                    "description": "The token's id (16 hex digits).",
                    "schema": {
                      "type": "string",
                      "minLength": 1
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "Revoked.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "success",
                            "id",
                            "revoked"
                          ],
                          "properties": {
                            "success": {
                              "const": true
                            },
                            "id": {
                              "type": "string"
                            },
                            "revoked": {
                              "const": true
                            }
                          },
                          "additionalProperties": true
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/AdminUnauthorized"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "404": {
                    "description": "No active token has this id.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "token_not_found"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  }
                }
              }
            },
            "/admin/v1/brands": {
              "get": {
                "tags": [
                  "Admin: brands"
                ],
                "operationId": "admin_brands_list",
                "summary": "Every brand.",
                "security": [
                  {
                    "AdminBearer": []
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The brands.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "success",
                            "brands"
                          ],
                          "properties": {
                            "success": {
                              "const": true
                            },
                            "brands": {
                              "type": "array",
                              "items": {
                                "$ref": "#/components/schemas/Brand"
                              }
                            }
                          },
                          "additionalProperties": true
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/AdminUnauthorized"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  }
                }
              }
            },
            "/admin/v1/brands/{clientId}/{accountId}/{brandId}": {
              "put": {
                "tags": [
                  "Admin: brands"
                ],
                "operationId": "admin_brands_save",
                "summary": "Create or change a brand.",
                "security": [
                  {
                    "AdminBearer": []
                  }
                ],
                "parameters": [
                  {
                    "$ref": "#/components/parameters/clientId"
                  },
                  {
                    "$ref": "#/components/parameters/accountId"
                  },
                  {
                    "$ref": "#/components/parameters/brandId"
                  }
                ],
                "requestBody": {
                  "required": false,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/BrandRequest"
                      }
                    }
                  },
                  "description": "Any content type is read as JSON; an empty body changes nothing."
                },
                "responses": {
                  "200": {
                    "$ref": "#/components/responses/AdminBrands200"
                  },
                  "401": {
                    "$ref": "#/components/responses/AdminUnauthorized"
                  },
                  "413": {
                    "$ref": "#/components/responses/AdminTooLarge"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "400": {
                    "description": "The body is not a JSON object, or a field is wrong.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "invalid_json",
                                    "body_not_object",
                                    "malformed_body",
                                    "invalid_name",
                                    "invalid_time_zone"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  }
                }
              },
              "get": {
                "tags": [
                  "Admin: brands"
                ],
                "operationId": "admin_brands_show",
                "summary": "One brand.",
                "security": [
                  {
                    "AdminBearer": []
                  }
                ],
                "parameters": [
                  {
                    "$ref": "#/components/parameters/clientId"
                  },
                  {
                    "$ref": "#/components/parameters/accountId"
                  },
                  {
                    "$ref": "#/components/parameters/brandId"
                  }
                ],
                "responses": {
                  "200": {
                    "$ref": "#/components/responses/AdminBrands200"
                  },
                  "401": {
                    "$ref": "#/components/responses/AdminUnauthorized"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "404": {
                    "description": "No such brand.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "brand_not_found"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  }
                }
              }
            },
            "/admin/v1/brands/{clientId}/{accountId}/{brandId}/assets": {
              "get": {
                "tags": [
                  "Admin: assets"
                ],
                "operationId": "admin_assets_list",
                "summary": "The brand's assets.",
                "security": [
                  {
                    "AdminBearer": []
                  }
                ],
                "parameters": [
                  {
                    "$ref": "#/components/parameters/clientId"
                  },
                  {
                    "$ref": "#/components/parameters/accountId"
                  },
                  {
                    "$ref": "#/components/parameters/brandId"
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The assets.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "success",
                            "assets"
                          ],
                          "properties": {
                            "success": {
                              "const": true
                            },
                            "assets": {
                              "type": "array",
                              "items": {
                                "$ref": "#/components/schemas/Asset"
                              }
                            }
                          },
                          "additionalProperties": true
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/AdminUnauthorized"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  }
                }
              }
            },
            "/admin/v1/brands/{clientId}/{accountId}/{brandId}/assets/{assetId}": {
              "put": {
                "tags": [
                  "Admin: assets"
                ],
                "operationId": "admin_assets_save",
                "summary": "Save a new draft version of an asset.",
                "security": [
                  {
                    "AdminBearer": []
                  }
                ],
                "parameters": [
                  {
                    "$ref": "#/components/parameters/clientId"
                  },
                  {
                    "$ref": "#/components/parameters/accountId"
                  },
                  {
                    "$ref": "#/components/parameters/brandId"
                  },
                  {
                    "$ref": "#/components/parameters/assetId"
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/AssetRequest"
                      }
                    }
                  },
                  "description": "Any content type is read as JSON."
                },
                "responses": {
                  "200": {
                    "$ref": "#/components/responses/AdminAssets200"
                  },
                  "401": {
                    "$ref": "#/components/responses/AdminUnauthorized"
                  },
                  "413": {
                    "$ref": "#/components/responses/AdminTooLarge"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "400": {
                    "description": "The body is not a JSON object, or a field is wrong. `template_error` adds `field`, `line` and `column`.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "invalid_json",
                                    "body_not_object",
                                    "malformed_body",
                                    "invalid_asset_id",
                                    "missing_channel",
                                    "invalid_channel",
                                    "missing_purpose",
                                    "invalid_purpose",
                                    "invalid_syntax",
                                    "invalid_name",
                                    "invalid_content",
                                    "unknown_content_field",
                                    "missing_from",
                                    "missing_subject",
                                    "missing_body",
                                    "missing_title",
                                    "missing_html",
                                    "invalid_from",
                                    "invalid_reply_to",
                                    "invalid_subject",
                                    "invalid_html",
                                    "invalid_text",
                                    "invalid_body",
                                    "invalid_title",
                                    "invalid_image_url",
                                    "invalid_url",
                                    "invalid_data",
                                    "invalid_page_size",
                                    "template_error"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  },
                  "404": {
                    "$ref": "#/components/responses/AdminAssets404"
                  },
                  "409": {
                    "description": "The asset is archived, or is of another channel.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "asset_archived",
                                    "asset_channel_fixed"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  }
                }
              },
              "get": {
                "tags": [
                  "Admin: assets"
                ],
                "operationId": "admin_assets_show",
                "summary": "One asset, its live and draft versions and its history.",
                "security": [
                  {
                    "AdminBearer": []
                  }
                ],
                "parameters": [
                  {
                    "$ref": "#/components/parameters/clientId"
                  },
                  {
                    "$ref": "#/components/parameters/accountId"
                  },
                  {
                    "$ref": "#/components/parameters/brandId"
                  },
                  {
                    "$ref": "#/components/parameters/assetId"
                  }
                ],
                "responses": {
                  "200": {
                    "$ref": "#/components/responses/AdminAssets200"
                  },
                  "401": {
                    "$ref": "#/components/responses/AdminUnauthorized"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "400": {
                    "$ref": "#/components/responses/AdminAssets400"
                  },
                  "404": {
                    "$ref": "#/components/responses/AdminAssets404"
                  }
                }
              },
              "delete": {
                "tags": [
                  "Admin: assets"
                ],
                "operationId": "admin_assets_archive",
                "summary": "Archive an asset (sends of it then fail; it can no longer change).",
                "security": [
                  {
                    "AdminBearer": []
                  }
                ],
                "parameters": [
                  {
                    "$ref": "#/components/parameters/clientId"
                  },
                  {
                    "$ref": "#/components/parameters/accountId"
                  },
                  {
                    "$ref": "#/components/parameters/brandId"
                  },
                  {
                    "$ref": "#/components/parameters/assetId"
                  }
                ],
                "responses": {
                  "200": {
                    "$ref": "#/components/responses/AdminAssets200"
                  },
                  "401": {
                    "$ref": "#/components/responses/AdminUnauthorized"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "400": {
                    "$ref": "#/components/responses/AdminAssets400"
                  },
                  "404": {
                    "$ref": "#/components/responses/AdminAssets404"
                  }
                }
              }
            },
            "/admin/v1/brands/{clientId}/{accountId}/{brandId}/assets/{assetId}/publish": {
              "post": {
                "tags": [
                  "Admin: assets"
                ],
                "operationId": "admin_assets_publish",
                "summary": "Make the draft the live version.",
                "security": [
                  {
                    "AdminBearer": []
                  }
                ],
                "parameters": [
                  {
                    "$ref": "#/components/parameters/clientId"
                  },
                  {
                    "$ref": "#/components/parameters/accountId"
                  },
                  {
                    "$ref": "#/components/parameters/brandId"
                  },
                  {
                    "$ref": "#/components/parameters/assetId"
                  }
                ],
                "responses": {
                  "200": {
                    "$ref": "#/components/responses/AdminAssets200"
                  },
                  "401": {
                    "$ref": "#/components/responses/AdminUnauthorized"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "400": {
                    "$ref": "#/components/responses/AdminAssets400"
                  },
                  "404": {
                    "$ref": "#/components/responses/AdminAssets404"
                  },
                  "409": {
                    "description": "No draft to publish, or the asset is archived.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "no_draft",
                                    "asset_archived"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  }
                }
              }
            },
            "/admin/v1/brands/{clientId}/{accountId}/{brandId}/assets/{assetId}/preview": {
              "post": {
                "tags": [
                  "Admin: assets"
                ],
                "operationId": "admin_assets_preview",
                "summary": "Render a version with a customer's profile and data; lists the tags that found no value.",
                "security": [
                  {
                    "AdminBearer": []
                  }
                ],
                "parameters": [
                  {
                    "$ref": "#/components/parameters/clientId"
                  },
                  {
                    "$ref": "#/components/parameters/accountId"
                  },
                  {
                    "$ref": "#/components/parameters/brandId"
                  },
                  {
                    "$ref": "#/components/parameters/assetId"
                  }
                ],
                "requestBody": {
                  "required": false,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/PreviewRequest"
                      }
                    }
                  },
                  "description": "Any content type is read as JSON."
                },
                "responses": {
                  "200": {
                    "description": "The rendered fields.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Preview"
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/AdminUnauthorized"
                  },
                  "413": {
                    "$ref": "#/components/responses/AdminTooLarge"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "400": {
                    "description": "The body is not a JSON object, or a field is wrong.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "invalid_json",
                                    "body_not_object",
                                    "malformed_body",
                                    "invalid_asset_id",
                                    "invalid_version",
                                    "invalid_user_id",
                                    "invalid_data",
                                    "template_error"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "No such asset, version or customer.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "asset_not_found",
                                    "version_not_found",
                                    "profile_not_found"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  }
                }
              }
            },
            "/admin/v1/brands/{clientId}/{accountId}/{brandId}/channels": {
              "get": {
                "tags": [
                  "Admin: channels"
                ],
                "operationId": "admin_channels_list",
                "summary": "The brand's providers (secrets masked), and the server's defaults it uses where it has none.",
                "security": [
                  {
                    "AdminBearer": []
                  }
                ],
                "parameters": [
                  {
                    "$ref": "#/components/parameters/clientId"
                  },
                  {
                    "$ref": "#/components/parameters/accountId"
                  },
                  {
                    "$ref": "#/components/parameters/brandId"
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The providers.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "success",
                            "channels"
                          ],
                          "properties": {
                            "success": {
                              "const": true
                            },
                            "channels": {
                              "type": "array",
                              "items": {
                                "$ref": "#/components/schemas/Channel"
                              }
                            }
                          },
                          "additionalProperties": true
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/AdminUnauthorized"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  }
                }
              }
            },
            "/admin/v1/brands/{clientId}/{accountId}/{brandId}/channels/{channel}": {
              "put": {
                "tags": [
                  "Admin: channels"
                ],
                "operationId": "admin_channels_put",
                "summary": "Set the brand's own provider for a channel (its secrets sealed at rest).",
                "security": [
                  {
                    "AdminBearer": []
                  }
                ],
                "parameters": [
                  {
                    "$ref": "#/components/parameters/clientId"
                  },
                  {
                    "$ref": "#/components/parameters/accountId"
                  },
                  {
                    "$ref": "#/components/parameters/brandId"
                  },
                  {
                    "name": "channel",
                    "in": "path",
                    "required": true,
                    "description": "`email` or `sms` (`push` and `print` are known but have no provider yet); anything else is `404 channel_not_found`.",
                    "schema": {
                      "type": "string",
                      "enum": [
                        "email",
                        "sms",
                        "push",
                        "print"
                      ]
                    }
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/ChannelRequest"
                      }
                    }
                  },
                  "description": "Any content type is read as JSON."
                },
                "responses": {
                  "200": {
                    "description": "Saved.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "success",
                            "channel"
                          ],
                          "properties": {
                            "success": {
                              "const": true
                            },
                            "channel": {
                              "$ref": "#/components/schemas/Channel"
                            }
                          },
                          "additionalProperties": true
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/AdminUnauthorized"
                  },
                  "413": {
                    "$ref": "#/components/responses/AdminTooLarge"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "400": {
                    "description": "The body is not a JSON object, or a field is wrong.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "invalid_json",
                                    "body_not_object",
                                    "malformed_body",
                                    "invalid_provider"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "No such channel.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "channel_not_found"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  },
                  "409": {
                    "description": "The server has no secret key to seal provider secrets.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "secret_key_missing"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  }
                }
              },
              "delete": {
                "tags": [
                  "Admin: channels"
                ],
                "operationId": "admin_channels_remove",
                "summary": "Go back to the server's default provider.",
                "security": [
                  {
                    "AdminBearer": []
                  }
                ],
                "parameters": [
                  {
                    "$ref": "#/components/parameters/clientId"
                  },
                  {
                    "$ref": "#/components/parameters/accountId"
                  },
                  {
                    "$ref": "#/components/parameters/brandId"
                  },
                  {
                    "name": "channel",
                    "in": "path",
                    "required": true,
                    "description": "`email` or `sms` (`push` and `print` are known but have no provider yet); anything else is `404 channel_not_found`.",
                    "schema": {
                      "type": "string",
                      "enum": [
                        "email",
                        "sms",
                        "push",
                        "print"
                      ]
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "Removed.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "success"
                          ],
                          "properties": {
                            "success": {
                              "const": true
                            }
                          },
                          "additionalProperties": true
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/AdminUnauthorized"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "404": {
                    "description": "No such channel, or none of the brand's own.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "channel_not_found"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  }
                }
              }
            },
            "/admin/v1/brands/{clientId}/{accountId}/{brandId}/messages": {
              "get": {
                "tags": [
                  "Admin: messages"
                ],
                "operationId": "admin_messages_list",
                "summary": "The brand's messages, newest first.",
                "description": "A parameter the API does not take is `400 unknown_parameter`. Query strings are read as forms write them: `+` is a space, `%2B` a plus.",
                "security": [
                  {
                    "AdminBearer": []
                  }
                ],
                "parameters": [
                  {
                    "$ref": "#/components/parameters/clientId"
                  },
                  {
                    "$ref": "#/components/parameters/accountId"
                  },
                  {
                    "$ref": "#/components/parameters/brandId"
                  },
                  {
                    "name": "status",
                    "in": "query",
                    "required": false,
                    "description": "Only messages in this state.",
                    "schema": {
                      "type": "string",
                      "enum": [
                        "queued",
                        "sending",
                        "sent",
                        "delivered",
                        "failed",
                        "dead"
                      ]
                    }
                  },
                  {
                    "name": "channel",
                    "in": "query",
                    "required": false,
                    "description": "Only this channel's.",
                    "schema": {
                      "type": "string",
                      "enum": [
                        "email",
                        "sms",
                        "push",
                        "print"
                      ]
                    }
                  },
                  {
                    "name": "userId",
                    "in": "query",
                    "required": false,
                    "description": "Only this user's.",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "before",
                    "in": "query",
                    "required": false,
                    "description": "The last messageId of the previous page (a UUID).",
                    "schema": {
                      "type": "string",
                      "format": "uuid"
                    }
                  },
                  {
                    "name": "limit",
                    "in": "query",
                    "required": false,
                    "description": "At most this many.",
                    "schema": {
                      "type": "integer",
                      "minimum": 1,
                      "maximum": 1000
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The messages.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "success",
                            "messages"
                          ],
                          "properties": {
                            "success": {
                              "const": true
                            },
                            "messages": {
                              "type": "array",
                              "items": {
                                "$ref": "#/components/schemas/MessageSummary"
                              }
                            }
                          },
                          "additionalProperties": true
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/AdminUnauthorized"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "400": {
                    "description": "A query parameter is wrong.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "unknown_parameter",
                                    "invalid_status",
                                    "invalid_channel",
                                    "invalid_before",
                                    "invalid_limit"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  }
                }
              }
            },
            "/admin/v1/brands/{clientId}/{accountId}/{brandId}/messages/{messageId}": {
              "get": {
                "tags": [
                  "Admin: messages"
                ],
                "operationId": "admin_messages_show",
                "summary": "One message with its rendered content.",
                "security": [
                  {
                    "AdminBearer": []
                  }
                ],
                "parameters": [
                  {
                    "$ref": "#/components/parameters/clientId"
                  },
                  {
                    "$ref": "#/components/parameters/accountId"
                  },
                  {
                    "$ref": "#/components/parameters/brandId"
                  },
                  {
                    "name": "messageId",
                    "in": "path",
                    "required": true,
                    "description": "The message's id.",
                    "schema": {
                      "type": "string",
                      "minLength": 1
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The message.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "success",
                            "message"
                          ],
                          "properties": {
                            "success": {
                              "const": true
                            },
                            "message": {
                              "$ref": "#/components/schemas/MessageDetail"
                            }
                          },
                          "additionalProperties": true
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/AdminUnauthorized"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "404": {
                    "description": "This brand has no such message.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "message_not_found"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  }
                }
              }
            },
            "/admin/v1/brands/{clientId}/{accountId}/{brandId}/regulations": {
              "post": {
                "tags": [
                  "Admin: regulations"
                ],
                "operationId": "admin_regulations_create",
                "summary": "Ask for a privacy action on one customer: suppress, unsuppress, delete, suppress_with_delete, no_track, track or access (an export).",
                "security": [
                  {
                    "AdminBearer": []
                  }
                ],
                "parameters": [
                  {
                    "$ref": "#/components/parameters/clientId"
                  },
                  {
                    "$ref": "#/components/parameters/accountId"
                  },
                  {
                    "$ref": "#/components/parameters/brandId"
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/RegulationRequest"
                      }
                    }
                  },
                  "description": "Any content type is read as JSON."
                },
                "responses": {
                  "202": {
                    "description": "Accepted; it runs in the background.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "success",
                            "regulation"
                          ],
                          "properties": {
                            "success": {
                              "const": true
                            },
                            "regulation": {
                              "$ref": "#/components/schemas/Regulation"
                            }
                          },
                          "additionalProperties": true
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/AdminUnauthorized"
                  },
                  "413": {
                    "$ref": "#/components/responses/AdminTooLarge"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "400": {
                    "description": "The body is not a JSON object, or a field is wrong. `invalid_regulation_type`: type absent or not one of the types; `invalid_subject`: not an object with exactly one of userId, email, anonymousId, a non-empty string of at most 1024 bytes.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "invalid_json",
                                    "body_not_object",
                                    "malformed_body",
                                    "invalid_regulation_type",
                                    "invalid_subject"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "No such brand: name it first (PUT /admin/v1/brands/{clientId}/{accountId}/{brandId}) or send it events.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "brand_not_found"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  }
                }
              },
              "get": {
                "tags": [
                  "Admin: regulations"
                ],
                "operationId": "admin_regulations_list",
                "summary": "The brand's regulations, newest first.",
                "security": [
                  {
                    "AdminBearer": []
                  }
                ],
                "parameters": [
                  {
                    "$ref": "#/components/parameters/clientId"
                  },
                  {
                    "$ref": "#/components/parameters/accountId"
                  },
                  {
                    "$ref": "#/components/parameters/brandId"
                  },
                  {
                    "name": "limit",
                    "in": "query",
                    "required": false,
                    "description": "At most this many.",
                    "schema": {
                      "type": "integer",
                      "minimum": 1,
                      "maximum": 1000
                    }
                  },
                  {
                    "name": "before",
                    "in": "query",
                    "required": false,
                    "description": "The last regulation id of the previous page.",
                    "schema": {
                      "type": "string",
                      "format": "uuid"
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The regulations.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "success",
                            "regulations"
                          ],
                          "properties": {
                            "success": {
                              "const": true
                            },
                            "regulations": {
                              "type": "array",
                              "items": {
                                "$ref": "#/components/schemas/Regulation"
                              }
                            }
                          },
                          "additionalProperties": true
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/AdminUnauthorized"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "400": {
                    "description": "A query parameter is wrong.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "unknown_parameter",
                                    "invalid_limit",
                                    "invalid_before"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  }
                }
              }
            },
            "/admin/v1/brands/{clientId}/{accountId}/{brandId}/regulations/{regulationId}": {
              "get": {
                "tags": [
                  "Admin: regulations"
                ],
                "operationId": "admin_regulations_show",
                "summary": "One regulation and where it stands.",
                "security": [
                  {
                    "AdminBearer": []
                  }
                ],
                "parameters": [
                  {
                    "$ref": "#/components/parameters/clientId"
                  },
                  {
                    "$ref": "#/components/parameters/accountId"
                  },
                  {
                    "$ref": "#/components/parameters/brandId"
                  },
                  {
                    "name": "regulationId",
                    "in": "path",
                    "required": true,
                    "description": "The regulation's id (a UUID).",
                    "schema": {
                      "type": "string",
                      "minLength": 1
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The regulation.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "success",
                            "regulation"
                          ],
                          "properties": {
                            "success": {
                              "const": true
                            },
                            "regulation": {
                              "$ref": "#/components/schemas/Regulation"
                            }
                          },
                          "additionalProperties": true
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/AdminUnauthorized"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "404": {
                    "description": "This brand has no such regulation.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "regulation_not_found"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  }
                }
              }
            },
            "/admin/v1/brands/{clientId}/{accountId}/{brandId}/regulations/{regulationId}/export": {
              "get": {
                "tags": [
                  "Admin: regulations"
                ],
                "operationId": "admin_regulations_export",
                "summary": "What an access regulation found.",
                "security": [
                  {
                    "AdminBearer": []
                  }
                ],
                "parameters": [
                  {
                    "$ref": "#/components/parameters/clientId"
                  },
                  {
                    "$ref": "#/components/parameters/accountId"
                  },
                  {
                    "$ref": "#/components/parameters/brandId"
                  },
                  {
                    "name": "regulationId",
                    "in": "path",
                    "required": true,
                    "description": "The regulation's id (a UUID).",
                    "schema": {
                      "type": "string",
                      "minLength": 1
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The export.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/RegulationExport"
                        }
                      }
                    },
                    "headers": {
                      "Content-Disposition": {
                        "required": true,
                        "description": "`attachment; filename=\"cairn-access-<id>.json\"`",
                        "schema": {
                          "type": "string"
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/AdminUnauthorized"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "404": {
                    "description": "No such regulation, or it is not an access regulation.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "regulation_not_found",
                                    "no_export"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  },
                  "409": {
                    "description": "The regulation is not done (pending or failed).",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "export_not_ready"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  },
                  "410": {
                    "description": "The export was erased: a later erasure of the same customer removed it.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "export_erased"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  }
                }
              }
            },
            "/u/{token}": {
              "get": {
                "tags": [
                  "Unsubscribe"
                ],
                "operationId": "unsubscribe_page",
                "summary": "A page with a button that unsubscribes.",
                "description": "Served when the server has a secret key (always on SQLite).",
                "security": [],
                "parameters": [
                  {
                    "name": "token",
                    "in": "path",
                    "required": true,
                    "description": "The signed token of an unsubscribe link (it names brand, customer and channel).",
                    "schema": {
                      "type": "string",
                      "minLength": 1
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The page.",
                    "headers": {
                      "Cache-Control": {
                        "required": true,
                        "schema": {
                          "const": "no-store"
                        }
                      }
                    },
                    "content": {
                      "text/html": {
                        "schema": {
                          "type": "string",
                          "description": "An HTML page."
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "The link is not valid.",
                    "headers": {
                      "Cache-Control": {
                        "required": true,
                        "schema": {
                          "const": "no-store"
                        }
                      }
                    },
                    "content": {
                      "text/html": {
                        "schema": {
                          "type": "string",
                          "description": "An HTML page."
                        }
                      }
                    }
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  }
                }
              },
              "post": {
                "tags": [
                  "Unsubscribe"
                ],
                "operationId": "unsubscribe",
                "summary": "Unsubscribe at once (RFC 8058 one-click).",
                "description": "Withdraws the customer's consent to the link's channel, as an identify on their timeline.",
                "security": [],
                "parameters": [
                  {
                    "name": "token",
                    "in": "path",
                    "required": true,
                    "description": "The signed token of an unsubscribe link (it names brand, customer and channel).",
                    "schema": {
                      "type": "string",
                      "minLength": 1
                    }
                  }
                ],
                "requestBody": {
                  "required": false,
                  "description": "Mail clients send `List-Unsubscribe=One-Click`; the body is not needed.",
                  "content": {
                    "application/x-www-form-urlencoded": {
                      "schema": {
                        "type": "object",
                        "properties": {
                          "List-Unsubscribe": {
                            "type": "string"
                          }
                        }
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "Unsubscribed.",
                    "headers": {
                      "Cache-Control": {
                        "required": true,
                        "schema": {
                          "const": "no-store"
                        }
                      }
                    },
                    "content": {
                      "text/html": {
                        "schema": {
                          "type": "string",
                          "description": "An HTML page."
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "The link is not valid (or its customer is gone).",
                    "headers": {
                      "Cache-Control": {
                        "required": true,
                        "schema": {
                          "const": "no-store"
                        }
                      }
                    },
                    "content": {
                      "text/html": {
                        "schema": {
                          "type": "string",
                          "description": "An HTML page."
                        }
                      }
                    }
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  }
                }
              }
            },
            "/webhooks/twilio/{messageId}": {
              "post": {
                "tags": [
                  "Webhooks"
                ],
                "operationId": "twilio_status_callback",
                "summary": "Twilio's delivery receipt for an SMS message.",
                "description": "`X-Twilio-Signature` must be Twilio's HMAC-SHA1 of the URL it called (Cairn's public URL and this path) and the form, under the auth token of the account that sent the message. `delivered` or `undelivered`/`failed` move the message; other statuses change nothing.",
                "security": [],
                "parameters": [
                  {
                    "name": "messageId",
                    "in": "path",
                    "required": true,
                    "description": "The message's id, as the StatusCallback named it.",
                    "schema": {
                      "type": "string",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "X-Twilio-Signature",
                    "in": "header",
                    "required": false,
                    "description": "Base64 HMAC-SHA1; missing or wrong is `403 invalid_signature`.",
                    "schema": {
                      "type": "string"
                    }
                  }
                ],
                "requestBody": {
                  "required": false,
                  "content": {
                    "application/x-www-form-urlencoded": {
                      "schema": {
                        "type": "object",
                        "properties": {
                          "MessageSid": {
                            "type": "string"
                          },
                          "MessageStatus": {
                            "type": "string"
                          },
                          "ErrorCode": {
                            "type": "string"
                          }
                        },
                        "additionalProperties": {
                          "type": "string"
                        }
                      }
                    }
                  }
                },
                "responses": {
                  "204": {
                    "description": "Taken."
                  },
                  "400": {
                    "description": "The body's HTTP framing is broken.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "malformed_body"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "The signature does not match.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "invalid_signature"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "No SMS message has this id (or its brand has no Twilio provider).",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "message_not_found"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  },
                  "413": {
                    "description": "The body is over 64 KB.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Error"
                            },
                            {
                              "type": "object",
                              "properties": {
                                "code": {
                                  "type": "string",
                                  "enum": [
                                    "request_too_large"
                                  ]
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  }
                }
              }
            }
          },
          "components": {
            "schemas": {
              "Error": {
                "type": "object",
                "description": "Every answer of Cairn's that is not a success (Segment's routes too). Asset template errors add `field`, `line` and `column`; a refused batch adds `errors`.",
                "required": [
                  "success",
                  "code",
                  "message"
                ],
                "properties": {
                  "success": {
                    "const": false
                  },
                  "code": {
                    "type": "string",
                    "description": "A stable machine code."
                  },
                  "message": {
                    "type": "string",
                    "description": "A sentence for people."
                  },
                  "errors": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/BatchItemError"
                    }
                  },
                  "field": {
                    "type": "string",
                    "description": "The content field at fault (asset template errors)."
                  },
                  "line": {
                    "type": "integer",
                    "minimum": 1
                  },
                  "column": {
                    "type": "integer",
                    "minimum": 1
                  }
                },
                "additionalProperties": true
              },
              "SalesmachineError": {
                "type": "object",
                "description": "A refusal in the Salesmachine API's style: `error` repeats `message`.",
                "required": [
                  "status",
                  "code",
                  "message",
                  "error"
                ],
                "properties": {
                  "status": {
                    "const": "error"
                  },
                  "code": {
                    "type": "string"
                  },
                  "message": {
                    "type": "string"
                  },
                  "error": {
                    "type": "string"
                  },
                  "errors": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/BatchItemError"
                    }
                  }
                },
                "additionalProperties": true
              },
              "BatchItemError": {
                "type": "object",
                "description": "Why one item of a batch was refused.",
                "required": [
                  "index",
                  "code",
                  "message"
                ],
                "properties": {
                  "index": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "code": {
                    "type": "string"
                  },
                  "message": {
                    "type": "string"
                  }
                },
                "additionalProperties": false
              },
              "Identifier": {
                "description": "An id: a string (at most 1024 bytes, not blank, no NUL, U+FFFD or unpaired surrogate), or a number kept as written. An empty string counts as absent.",
                "type": [
                  "string",
                  "number",
                  "null"
                ]
              },
              "JSONObject": {
                "type": "object",
                "description": "Any JSON object; Cairn keeps it as sent.",
                "additionalProperties": true
              },
              "TrackEventBase": {
                "type": "object",
                "description": "Fields every Track API event may carry. Any other field is kept with the event (a command's root fields are merge data of its send).",
                "properties": {
                  "userId": {
                    "$ref": "#/components/schemas/Identifier"
                  },
                  "anonymousId": {
                    "$ref": "#/components/schemas/Identifier"
                  },
                  "timestamp": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "ISO-8601 (`2019-11-18T13:30:11.444Z`, an offset, or no zone for UTC); at most a day ahead of receipt. The receive time when absent."
                  },
                  "context": {
                    "type": [
                      "object",
                      "null"
                    ],
                    "additionalProperties": true
                  },
                  "properties": {
                    "type": [
                      "object",
                      "null"
                    ],
                    "additionalProperties": true
                  },
                  "messageId": {
                    "$ref": "#/components/schemas/Identifier"
                  }
                },
                "additionalProperties": true
              },
              "TrackIdentify": {
                "allOf": [
                  {
                    "$ref": "#/components/schemas/TrackEventBase"
                  },
                  {
                    "type": "object",
                    "description": "Needs `userId` and a `traits` object; `event`, when present, is `identify` (any case).",
                    "required": [
                      "userId",
                      "traits"
                    ],
                    "properties": {
                      "traits": {
                        "type": "object",
                        "additionalProperties": true
                      },
                      "event": {
                        "type": [
                          "string",
                          "null"
                        ]
                      }
                    }
                  }
                ],
                "example": {
                  "userId": "ABC/123",
                  "traits": {
                    "firstName": "Fred",
                    "email": "fred@example.com"
                  }
                }
              },
              "TrackTrack": {
                "allOf": [
                  {
                    "$ref": "#/components/schemas/TrackEventBase"
                  },
                  {
                    "type": "object",
                    "description": "Needs `userId` and `event`. An `event` of `send_email`, `send_sms`, `send_print` or `send_push` (any case) is a command and needs a root `assetId`; `start_journey` needs `properties.journeyIdToTrigger` (and `properties.stepIdToTrigger`, when present, is a UUID).",
                    "required": [
                      "userId",
                      "event"
                    ],
                    "properties": {
                      "event": {
                        "type": "string",
                        "minLength": 1
                      },
                      "assetId": {
                        "type": [
                          "string",
                          "null"
                        ]
                      }
                    }
                  }
                ],
                "example": {
                  "userId": "ABC/123",
                  "event": "Product Added",
                  "properties": {
                    "price": "£11.99"
                  }
                }
              },
              "TrackPage": {
                "allOf": [
                  {
                    "$ref": "#/components/schemas/TrackEventBase"
                  },
                  {
                    "type": "object",
                    "description": "Needs `userId` or `anonymousId`; `event`, when present, repeats the action; `name` names the page or screen.",
                    "anyOf": [
                      {
                        "required": [
                          "userId"
                        ]
                      },
                      {
                        "required": [
                          "anonymousId"
                        ]
                      }
                    ],
                    "properties": {
                      "name": {
                        "type": [
                          "string",
                          "null"
                        ]
                      },
                      "event": {
                        "type": [
                          "string",
                          "null"
                        ]
                      }
                    }
                  }
                ],
                "example": {
                  "anonymousId": "a-1",
                  "name": "Home",
                  "properties": {
                    "url": "https://example.com/"
                  }
                }
              },
              "TrackBatch": {
                "type": "object",
                "description": "At most 10,000 items, each naming its action in `type` (identify, track, page, screen) or in `event`. The outer `context` lies beneath each item's own. Validated and refused whole.",
                "required": [
                  "batch"
                ],
                "properties": {
                  "batch": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/JSONObject"
                    }
                  },
                  "context": {
                    "type": [
                      "object",
                      "null"
                    ],
                    "additionalProperties": true
                  }
                },
                "additionalProperties": true,
                "example": {
                  "batch": [
                    {
                      "type": "track",
                      "userId": "ABC/123",
                      "event": "Viewed"
                    }
                  ]
                }
              },
              "TrackAccepted": {
                "type": "object",
                "required": [
                  "success",
                  "eventId"
                ],
                "properties": {
                  "success": {
                    "const": true
                  },
                  "eventId": {
                    "type": "string",
                    "format": "uuid",
                    "description": "A UUID v7."
                  }
                },
                "additionalProperties": true
              },
              "TrackBatchAccepted": {
                "type": "object",
                "required": [
                  "success",
                  "eventIds"
                ],
                "properties": {
                  "success": {
                    "const": true
                  },
                  "eventIds": {
                    "type": "array",
                    "items": {
                      "type": "string",
                      "format": "uuid"
                    }
                  }
                },
                "additionalProperties": true
              },
              "EventError": {
                "type": "object",
                "required": [
                  "code",
                  "message"
                ],
                "properties": {
                  "code": {
                    "type": "string"
                  },
                  "message": {
                    "type": "string"
                  }
                },
                "additionalProperties": true
              },
              "Event": {
                "type": "object",
                "description": "An event as the Events API shows it.",
                "required": [
                  "eventId",
                  "status",
                  "action",
                  "event",
                  "userId",
                  "anonymousId",
                  "timestamp",
                  "originalTimestamp",
                  "receivedAt",
                  "customerId",
                  "errors"
                ],
                "properties": {
                  "eventId": {
                    "type": "string",
                    "format": "uuid"
                  },
                  "status": {
                    "type": "string",
                    "enum": [
                      "accepted",
                      "processed",
                      "failed"
                    ]
                  },
                  "action": {
                    "type": "string",
                    "enum": [
                      "identify",
                      "track",
                      "page",
                      "screen",
                      "group",
                      "alias"
                    ]
                  },
                  "event": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "userId": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "anonymousId": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "timestamp": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "originalTimestamp": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "As the client wrote it."
                  },
                  "receivedAt": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "customerId": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "errors": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/EventError"
                    }
                  }
                },
                "additionalProperties": true
              },
              "EventWithMessages": {
                "allOf": [
                  {
                    "$ref": "#/components/schemas/Event"
                  },
                  {
                    "type": "object",
                    "required": [
                      "messages"
                    ],
                    "properties": {
                      "messages": {
                        "type": "array",
                        "items": {
                          "$ref": "#/components/schemas/MessageSummary"
                        }
                      }
                    }
                  }
                ]
              },
              "TimelineEvent": {
                "allOf": [
                  {
                    "$ref": "#/components/schemas/Event"
                  },
                  {
                    "type": "object",
                    "description": "Plus what the event carried, as sent (any JSON).",
                    "properties": {
                      "properties": {},
                      "traits": {},
                      "context": {}
                    }
                  }
                ]
              },
              "MessageError": {
                "type": "object",
                "required": [
                  "code",
                  "message"
                ],
                "properties": {
                  "code": {
                    "type": "string"
                  },
                  "message": {
                    "type": "string"
                  }
                },
                "additionalProperties": true
              },
              "MessageSummary": {
                "type": "object",
                "required": [
                  "messageId",
                  "channel",
                  "to",
                  "assetId",
                  "version",
                  "status",
                  "attempts"
                ],
                "properties": {
                  "messageId": {
                    "type": "string"
                  },
                  "channel": {
                    "type": "string",
                    "enum": [
                      "email",
                      "sms",
                      "push",
                      "print"
                    ]
                  },
                  "to": {
                    "type": "string"
                  },
                  "assetId": {
                    "type": "string"
                  },
                  "version": {
                    "type": "integer"
                  },
                  "status": {
                    "type": "string",
                    "enum": [
                      "queued",
                      "sending",
                      "sent",
                      "delivered",
                      "failed",
                      "dead"
                    ]
                  },
                  "attempts": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "providerMessageId": {
                    "type": "string"
                  },
                  "error": {
                    "$ref": "#/components/schemas/MessageError"
                  },
                  "sentAt": {
                    "type": "string",
                    "format": "date-time"
                  }
                },
                "additionalProperties": true
              },
              "MessageDetail": {
                "allOf": [
                  {
                    "$ref": "#/components/schemas/MessageSummary"
                  },
                  {
                    "type": "object",
                    "required": [
                      "eventId",
                      "customerId",
                      "userId",
                      "purpose",
                      "content",
                      "createdAt",
                      "nextAttemptAt"
                    ],
                    "properties": {
                      "eventId": {
                        "type": "string",
                        "format": "uuid"
                      },
                      "customerId": {
                        "type": "string"
                      },
                      "userId": {
                        "type": [
                          "string",
                          "null"
                        ]
                      },
                      "purpose": {
                        "type": "string",
                        "enum": [
                          "marketing",
                          "transactional"
                        ]
                      },
                      "content": {
                        "description": "The rendered content (the asset's fields for its channel)."
                      },
                      "createdAt": {
                        "type": "string",
                        "format": "date-time"
                      },
                      "nextAttemptAt": {
                        "type": [
                          "string",
                          "null"
                        ],
                        "format": "date-time"
                      }
                    }
                  }
                ]
              },
              "EventList": {
                "type": "object",
                "required": [
                  "success",
                  "from",
                  "size",
                  "events"
                ],
                "properties": {
                  "success": {
                    "const": true
                  },
                  "from": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "size": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 100
                  },
                  "events": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/Event"
                    }
                  }
                },
                "additionalProperties": true
              },
              "ConsentState": {
                "type": "object",
                "required": [
                  "subscribed",
                  "changedAt"
                ],
                "properties": {
                  "subscribed": {
                    "type": "boolean"
                  },
                  "changedAt": {
                    "type": "string",
                    "format": "date-time"
                  }
                },
                "additionalProperties": true
              },
              "ProfileTraitsView": {
                "type": "object",
                "required": [
                  "customerId",
                  "traits"
                ],
                "properties": {
                  "customerId": {
                    "type": "string"
                  },
                  "traits": {
                    "$ref": "#/components/schemas/JSONObject"
                  }
                },
                "additionalProperties": true
              },
              "ProfileMetaView": {
                "type": "object",
                "required": [
                  "customerId",
                  "userId",
                  "anonymousIds",
                  "identified",
                  "firstSeen",
                  "lastSeen",
                  "groups",
                  "consent"
                ],
                "properties": {
                  "customerId": {
                    "type": "string"
                  },
                  "userId": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "anonymousIds": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "identified": {
                    "type": "boolean"
                  },
                  "firstSeen": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "lastSeen": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "groups": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "consent": {
                    "type": "object",
                    "description": "By channel (`email`, `sms`, …).",
                    "additionalProperties": {
                      "$ref": "#/components/schemas/ConsentState"
                    }
                  }
                },
                "additionalProperties": true
              },
              "ProfileEventsView": {
                "type": "object",
                "required": [
                  "customerId",
                  "events",
                  "nextFrom"
                ],
                "properties": {
                  "customerId": {
                    "type": "string"
                  },
                  "events": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/TimelineEvent"
                    }
                  },
                  "nextFrom": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Where the next page starts."
                  }
                },
                "additionalProperties": true
              },
              "ProfileAnswer": {
                "description": "`userId:` and `id:` lookups answer the view itself with `success`; `email:` answers `profiles`, a view per matching customer. The `events` view adds `from` and `size`.",
                "type": "object",
                "required": [
                  "success"
                ],
                "properties": {
                  "success": {
                    "const": true
                  },
                  "from": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "size": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 100
                  },
                  "profiles": {
                    "type": "array",
                    "items": {
                      "anyOf": [
                        {
                          "$ref": "#/components/schemas/ProfileTraitsView"
                        },
                        {
                          "$ref": "#/components/schemas/ProfileMetaView"
                        },
                        {
                          "$ref": "#/components/schemas/ProfileEventsView"
                        }
                      ]
                    }
                  }
                },
                "anyOf": [
                  {
                    "required": [
                      "profiles"
                    ]
                  },
                  {
                    "$ref": "#/components/schemas/ProfileTraitsView"
                  },
                  {
                    "$ref": "#/components/schemas/ProfileMetaView"
                  },
                  {
                    "$ref": "#/components/schemas/ProfileEventsView"
                  }
                ],
                "additionalProperties": true
              },
              "Group": {
                "type": "object",
                "required": [
                  "success",
                  "groupId",
                  "traits",
                  "firstSeen",
                  "lastSeen"
                ],
                "properties": {
                  "success": {
                    "const": true
                  },
                  "groupId": {
                    "type": "string"
                  },
                  "traits": {
                    "$ref": "#/components/schemas/JSONObject"
                  },
                  "firstSeen": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "lastSeen": {
                    "type": "string",
                    "format": "date-time"
                  }
                },
                "additionalProperties": true
              },
              "SegmentMessage": {
                "type": "object",
                "description": "One Segment (or RudderStack) message. Every call needs `userId` or `anonymousId`; track needs `event`, group `groupId`, alias `userId` and `previousId`. At most 32 KB. Any other field is kept.",
                "properties": {
                  "type": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "userId": {
                    "$ref": "#/components/schemas/Identifier"
                  },
                  "anonymousId": {
                    "$ref": "#/components/schemas/Identifier"
                  },
                  "messageId": {
                    "$ref": "#/components/schemas/Identifier"
                  },
                  "event": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "name": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "groupId": {
                    "$ref": "#/components/schemas/Identifier"
                  },
                  "previousId": {
                    "$ref": "#/components/schemas/Identifier"
                  },
                  "traits": {
                    "type": [
                      "object",
                      "null"
                    ],
                    "additionalProperties": true
                  },
                  "properties": {
                    "type": [
                      "object",
                      "null"
                    ],
                    "additionalProperties": true
                  },
                  "context": {
                    "type": [
                      "object",
                      "null"
                    ],
                    "additionalProperties": true
                  },
                  "integrations": {
                    "type": [
                      "object",
                      "null"
                    ],
                    "additionalProperties": true
                  },
                  "timestamp": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "originalTimestamp": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "sentAt": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "writeKey": {
                    "type": "string",
                    "description": "The write key, when the request has none in its Basic header (never stored)."
                  }
                },
                "additionalProperties": true,
                "example": {
                  "userId": "u1",
                  "event": "Signed Up",
                  "properties": {
                    "plan": "pro"
                  },
                  "messageId": "m-1"
                }
              },
              "SegmentBatch": {
                "type": "object",
                "description": "At most 10,000 messages and 500 KB after decompression; each item names its call in `type`. The batch's `context` and `integrations` lie beneath each item's own.",
                "required": [
                  "batch"
                ],
                "properties": {
                  "batch": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/SegmentMessage"
                    }
                  },
                  "context": {
                    "type": [
                      "object",
                      "null"
                    ],
                    "additionalProperties": true
                  },
                  "integrations": {
                    "type": [
                      "object",
                      "null"
                    ],
                    "additionalProperties": true
                  },
                  "sentAt": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "writeKey": {
                    "type": "string"
                  }
                },
                "additionalProperties": true,
                "example": {
                  "batch": [
                    {
                      "type": "identify",
                      "userId": "u1",
                      "traits": {
                        "plan": "pro"
                      }
                    }
                  ]
                }
              },
              "SegmentAccepted": {
                "type": "object",
                "required": [
                  "success"
                ],
                "properties": {
                  "success": {
                    "const": true
                  },
                  "rejected": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/BatchItemError"
                    },
                    "description": "A batch's messages that were not stored (the others were)."
                  }
                },
                "additionalProperties": true
              },
              "SalesmachineEvent": {
                "type": "object",
                "description": "`contact_uid` and `event_uid` (or `event`) are required; `event_uid` `pageview` is a page view whose url is `params.visit_url`.",
                "required": [
                  "contact_uid"
                ],
                "properties": {
                  "contact_uid": {
                    "$ref": "#/components/schemas/Identifier"
                  },
                  "event_uid": {
                    "$ref": "#/components/schemas/Identifier"
                  },
                  "event": {
                    "$ref": "#/components/schemas/Identifier"
                  },
                  "params": {
                    "type": [
                      "object",
                      "null"
                    ],
                    "additionalProperties": true
                  },
                  "created_at": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "ISO-8601: the event's time."
                  },
                  "messageId": {
                    "$ref": "#/components/schemas/Identifier"
                  }
                },
                "additionalProperties": true,
                "example": {
                  "contact_uid": "123456",
                  "event_uid": "user_registration",
                  "params": {
                    "account_uid": "78910"
                  }
                }
              },
              "SalesmachineContact": {
                "type": "object",
                "description": "`contact_uid` is required; `params` become traits, `params.account_uid` a group membership.",
                "required": [
                  "contact_uid"
                ],
                "properties": {
                  "contact_uid": {
                    "$ref": "#/components/schemas/Identifier"
                  },
                  "params": {
                    "type": [
                      "object",
                      "null"
                    ],
                    "additionalProperties": true
                  },
                  "created_at": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "messageId": {
                    "$ref": "#/components/schemas/Identifier"
                  }
                },
                "additionalProperties": true,
                "example": {
                  "contact_uid": "123456",
                  "params": {
                    "name": "Fred",
                    "account_uid": "78910"
                  }
                }
              },
              "SalesmachineAccount": {
                "type": "object",
                "description": "`account_uid` is required; `params` become the group's traits.",
                "required": [
                  "account_uid"
                ],
                "properties": {
                  "account_uid": {
                    "$ref": "#/components/schemas/Identifier"
                  },
                  "params": {
                    "type": [
                      "object",
                      "null"
                    ],
                    "additionalProperties": true
                  },
                  "created_at": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "messageId": {
                    "$ref": "#/components/schemas/Identifier"
                  }
                },
                "additionalProperties": true,
                "example": {
                  "account_uid": "78910",
                  "params": {
                    "name": "Acme"
                  }
                }
              },
              "SalesmachineBatch": {
                "type": "array",
                "description": "At most 10,000 calls, each naming its `method` (event, contact, account, pageview); refused whole when any call is wrong.",
                "items": {
                  "type": "object",
                  "properties": {
                    "method": {
                      "type": "string",
                      "enum": [
                        "event",
                        "contact",
                        "account",
                        "pageview"
                      ]
                    }
                  },
                  "additionalProperties": true
                },
                "example": [
                  {
                    "method": "contact",
                    "contact_uid": "123456",
                    "params": {
                      "name": "Fred"
                    }
                  }
                ]
              },
              "SalesmachineAccepted": {
                "type": "object",
                "required": [
                  "status"
                ],
                "properties": {
                  "status": {
                    "const": "success"
                  }
                },
                "additionalProperties": true
              },
              "Token": {
                "type": "object",
                "required": [
                  "id",
                  "client",
                  "account",
                  "brand",
                  "rate",
                  "burst",
                  "createdAt",
                  "revokedAt"
                ],
                "properties": {
                  "id": {
                    "type": "string",
                    "pattern": "^[0-9a-f]{16}$"
                  },
                  "client": {
                    "type": "string"
                  },
                  "account": {
                    "type": "string"
                  },
                  "brand": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "null: every brand of the account."
                  },
                  "rate": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "description": "Requests a second."
                  },
                  "burst": {
                    "type": "integer",
                    "minimum": 1
                  },
                  "createdAt": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "revokedAt": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "format": "date-time"
                  }
                },
                "additionalProperties": true
              },
              "TokenRequest": {
                "type": "object",
                "description": "Ids are non-empty, without '/' or control characters.",
                "required": [
                  "client",
                  "account"
                ],
                "properties": {
                  "client": {
                    "type": "string",
                    "minLength": 1
                  },
                  "account": {
                    "type": "string",
                    "minLength": 1
                  },
                  "brand": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "Absent or null: every brand of the account."
                  },
                  "rate": {
                    "type": [
                      "number",
                      "null"
                    ],
                    "exclusiveMinimum": 0,
                    "description": "Default 100."
                  },
                  "burst": {
                    "type": [
                      "integer",
                      "null"
                    ],
                    "minimum": 1,
                    "maximum": 2147483647,
                    "description": "Default 500."
                  }
                },
                "additionalProperties": true,
                "example": {
                  "client": "hea",
                  "account": "hea",
                  "brand": "HEA"
                }
              },
              "Brand": {
                "type": "object",
                "required": [
                  "clientId",
                  "accountId",
                  "brandId",
                  "name",
                  "timeZone",
                  "createdAt",
                  "updatedAt"
                ],
                "properties": {
                  "clientId": {
                    "type": "string"
                  },
                  "accountId": {
                    "type": "string"
                  },
                  "brandId": {
                    "type": "string"
                  },
                  "name": {
                    "type": "string"
                  },
                  "timeZone": {
                    "type": "string",
                    "description": "An IANA time zone, or UTC."
                  },
                  "createdAt": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "updatedAt": {
                    "type": "string",
                    "format": "date-time"
                  }
                },
                "additionalProperties": true
              },
              "BrandRequest": {
                "type": "object",
                "description": "Fields left out keep their value (a new brand: its id as name, UTC).",
                "properties": {
                  "name": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "minLength": 1
                  },
                  "timeZone": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "An IANA zone name such as Europe/London, or UTC."
                  }
                },
                "additionalProperties": true,
                "example": {
                  "name": "Hotels",
                  "timeZone": "Europe/London"
                }
              },
              "AssetVersion": {
                "type": "object",
                "required": [
                  "version",
                  "purpose",
                  "content",
                  "createdAt",
                  "publishedAt"
                ],
                "properties": {
                  "version": {
                    "type": "integer",
                    "minimum": 1
                  },
                  "purpose": {
                    "type": "string",
                    "enum": [
                      "marketing",
                      "transactional"
                    ]
                  },
                  "content": {
                    "$ref": "#/components/schemas/AssetContent"
                  },
                  "createdAt": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "publishedAt": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "format": "date-time"
                  }
                },
                "additionalProperties": true
              },
              "AssetContent": {
                "type": "object",
                "description": "By channel, every text a Mustache template: email `{from, replyTo?, subject, html?, text?}` (html, text or both); sms `{from?, body}`; push `{title, body, imageUrl?, url?, data?}` (`data`: an object of strings); print `{html, pageSize?}` (`A4` or `Letter`).",
                "additionalProperties": true
              },
              "Asset": {
                "type": "object",
                "required": [
                  "assetId",
                  "name",
                  "channel",
                  "purpose",
                  "createdAt",
                  "updatedAt",
                  "archivedAt",
                  "live",
                  "draft",
                  "versions"
                ],
                "properties": {
                  "assetId": {
                    "type": "string"
                  },
                  "name": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "channel": {
                    "type": "string",
                    "enum": [
                      "email",
                      "sms",
                      "push",
                      "print"
                    ]
                  },
                  "purpose": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "enum": [
                      "marketing",
                      "transactional",
                      null
                    ]
                  },
                  "createdAt": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "updatedAt": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "archivedAt": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "format": "date-time"
                  },
                  "live": {
                    "anyOf": [
                      {
                        "$ref": "#/components/schemas/AssetVersion"
                      },
                      {
                        "type": "null"
                      }
                    ]
                  },
                  "draft": {
                    "anyOf": [
                      {
                        "$ref": "#/components/schemas/AssetVersion"
                      },
                      {
                        "type": "null"
                      }
                    ]
                  },
                  "versions": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "required": [
                        "version",
                        "purpose",
                        "createdAt",
                        "publishedAt",
                        "live"
                      ],
                      "properties": {
                        "version": {
                          "type": "integer",
                          "minimum": 1
                        },
                        "purpose": {
                          "type": "string",
                          "enum": [
                            "marketing",
                            "transactional"
                          ]
                        },
                        "createdAt": {
                          "type": "string",
                          "format": "date-time"
                        },
                        "publishedAt": {
                          "type": [
                            "string",
                            "null"
                          ],
                          "format": "date-time"
                        },
                        "live": {
                          "type": "boolean"
                        }
                      },
                      "additionalProperties": true
                    }
                  }
                },
                "additionalProperties": true
              },
              "AssetRequest": {
                "type": "object",
                "required": [
                  "channel",
                  "purpose",
                  "content"
                ],
                "properties": {
                  "name": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "channel": {
                    "type": "string",
                    "enum": [
                      "email",
                      "sms",
                      "push",
                      "print"
                    ]
                  },
                  "purpose": {
                    "type": "string",
                    "enum": [
                      "marketing",
                      "transactional"
                    ]
                  },
                  "content": {
                    "$ref": "#/components/schemas/AssetContent"
                  },
                  "syntax": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "enum": [
                      "mustache",
                      "freemarker",
                      null
                    ]
                  }
                },
                "additionalProperties": true,
                "example": {
                  "name": "Abandoned booking SMS",
                  "channel": "sms",
                  "purpose": "transactional",
                  "content": {
                    "body": "Hi {{customer.firstName}}, booking {{bookingId}} is waiting"
                  }
                }
              },
              "AssetAnswer": {
                "type": "object",
                "required": [
                  "success",
                  "asset"
                ],
                "properties": {
                  "success": {
                    "const": true
                  },
                  "asset": {
                    "$ref": "#/components/schemas/Asset"
                  }
                },
                "additionalProperties": true
              },
              "PreviewRequest": {
                "type": "object",
                "properties": {
                  "version": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "enum": [
                      "draft",
                      "live",
                      null
                    ]
                  },
                  "userId": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "The customer whose profile fills `customer`."
                  },
                  "data": {
                    "type": [
                      "object",
                      "null"
                    ],
                    "additionalProperties": true,
                    "description": "The event's root fields."
                  }
                },
                "additionalProperties": true,
                "example": {
                  "userId": "ABC/123",
                  "data": {
                    "bookingId": "1234"
                  }
                }
              },
              "Preview": {
                "type": "object",
                "required": [
                  "success",
                  "assetId",
                  "channel",
                  "version",
                  "rendered",
                  "missingTags"
                ],
                "properties": {
                  "success": {
                    "const": true
                  },
                  "assetId": {
                    "type": "string"
                  },
                  "channel": {
                    "type": "string",
                    "enum": [
                      "email",
                      "sms",
                      "push",
                      "print"
                    ]
                  },
                  "version": {
                    "type": "integer",
                    "minimum": 1
                  },
                  "rendered": {
                    "$ref": "#/components/schemas/JSONObject"
                  },
                  "missingTags": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  }
                },
                "additionalProperties": true
              },
              "Channel": {
                "type": "object",
                "required": [
                  "channel",
                  "source",
                  "provider",
                  "settings"
                ],
                "properties": {
                  "channel": {
                    "type": "string",
                    "enum": [
                      "email",
                      "sms",
                      "push",
                      "print"
                    ]
                  },
                  "source": {
                    "type": "string",
                    "enum": [
                      "brand",
                      "default"
                    ]
                  },
                  "provider": {
                    "type": "string",
                    "enum": [
                      "smtp",
                      "twilio"
                    ]
                  },
                  "settings": {
                    "type": "object",
                    "description": "The provider's settings with every secret masked.",
                    "additionalProperties": true
                  },
                  "updatedAt": {
                    "type": "string",
                    "format": "date-time",
                    "description": "A brand's own provider only."
                  }
                },
                "additionalProperties": true
              },
              "ChannelRequest": {
                "oneOf": [
                  {
                    "type": "object",
                    "title": "smtp (the email channel)",
                    "required": [
                      "provider",
                      "url"
                    ],
                    "properties": {
                      "provider": {
                        "const": "smtp"
                      },
                      "url": {
                        "type": "string",
                        "description": "smtp://user:pass@host:587 or smtps://…"
                      },
                      "from": {
                        "type": [
                          "string",
                          "null"
                        ]
                      },
                      "unsubscribeMailto": {
                        "type": [
                          "string",
                          "null"
                        ]
                      }
                    },
                    "additionalProperties": true
                  },
                  {
                    "type": "object",
                    "title": "twilio (the sms channel)",
                    "required": [
                      "provider",
                      "accountSid",
                      "authToken",
                      "from"
                    ],
                    "properties": {
                      "provider": {
                        "const": "twilio"
                      },
                      "accountSid": {
                        "type": "string",
                        "minLength": 1
                      },
                      "authToken": {
                        "type": "string",
                        "minLength": 1
                      },
                      "from": {
                        "type": "string",
                        "minLength": 1
                      },
                      "baseUrl": {
                        "type": "string"
                      }
                    },
                    "additionalProperties": true
                  }
                ],
                "example": {
                  "provider": "smtp",
                  "url": "smtps://user:pass@mail.example.com",
                  "from": "Hotels <hi@example.com>"
                }
              },
              "RegulationType": {
                "type": "string",
                "enum": [
                  "suppress",
                  "unsuppress",
                  "delete",
                  "suppress_with_delete",
                  "no_track",
                  "track",
                  "access"
                ]
              },
              "RegulationSubject": {
                "type": "object",
                "description": "Exactly one of userId, email, anonymousId.",
                "oneOf": [
                  {
                    "required": [
                      "userId"
                    ]
                  },
                  {
                    "required": [
                      "email"
                    ]
                  },
                  {
                    "required": [
                      "anonymousId"
                    ]
                  }
                ],
                "properties": {
                  "userId": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 1024
                  },
                  "email": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 1024
                  },
                  "anonymousId": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 1024
                  }
                },
                "minProperties": 1,
                "maxProperties": 1,
                "additionalProperties": false
              },
              "RegulationRequest": {
                "type": "object",
                "required": [
                  "type",
                  "subject"
                ],
                "properties": {
                  "type": {
                    "$ref": "#/components/schemas/RegulationType"
                  },
                  "subject": {
                    "$ref": "#/components/schemas/RegulationSubject"
                  }
                },
                "additionalProperties": true,
                "example": {
                  "type": "access",
                  "subject": {
                    "userId": "ABC/123"
                  }
                }
              },
              "Regulation": {
                "type": "object",
                "required": [
                  "id",
                  "type",
                  "subject",
                  "subjectHash",
                  "status",
                  "requestedBy",
                  "requestedAt",
                  "completedAt",
                  "result",
                  "error",
                  "exportURL"
                ],
                "properties": {
                  "id": {
                    "type": "string",
                    "format": "uuid"
                  },
                  "type": {
                    "$ref": "#/components/schemas/RegulationType"
                  },
                  "subject": {
                    "type": "object",
                    "description": "Exactly one of userId, email, anonymousId; its value is null once a delete erased it.",
                    "properties": {
                      "userId": {
                        "type": [
                          "string",
                          "null"
                        ]
                      },
                      "email": {
                        "type": [
                          "string",
                          "null"
                        ]
                      },
                      "anonymousId": {
                        "type": [
                          "string",
                          "null"
                        ]
                      }
                    },
                    "minProperties": 1,
                    "maxProperties": 1,
                    "additionalProperties": false
                  },
                  "subjectHash": {
                    "type": "string",
                    "pattern": "^[0-9a-f]{64}$",
                    "description": "Hex SHA-256."
                  },
                  "status": {
                    "type": "string",
                    "enum": [
                      "pending",
                      "done",
                      "failed"
                    ]
                  },
                  "requestedBy": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "The admin token's id."
                  },
                  "requestedAt": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "completedAt": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "format": "date-time"
                  },
                  "result": {
                    "type": [
                      "object",
                      "null"
                    ],
                    "description": "Counts of what was done, e.g. {\"profiles\":1,\"events\":12}.",
                    "additionalProperties": {
                      "type": "number"
                    }
                  },
                  "error": {
                    "anyOf": [
                      {
                        "$ref": "#/components/schemas/MessageError"
                      },
                      {
                        "type": "null"
                      }
                    ]
                  },
                  "exportURL": {
                    "type": [
                      "string",
                      "null"
                    ]
                  }
                },
                "additionalProperties": true
              },
              "RegulationExport": {
                "type": "object",
                "required": [
                  "subject",
                  "generatedAt",
                  "customers"
                ],
                "properties": {
                  "subject": {
                    "type": "object",
                    "additionalProperties": true
                  },
                  "generatedAt": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "customers": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/JSONObject"
                    }
                  }
                },
                "additionalProperties": true
              },
              "SegmentIdentify": {
                "allOf": [
                  {
                    "$ref": "#/components/schemas/SegmentMessage"
                  },
                  {
                    "type": "object",
                    "anyOf": [
                      {
                        "required": [
                          "userId"
                        ]
                      },
                      {
                        "required": [
                          "anonymousId"
                        ]
                      }
                    ]
                  }
                ]
              },
              "SegmentTrack": {
                "allOf": [
                  {
                    "$ref": "#/components/schemas/SegmentMessage"
                  },
                  {
                    "type": "object",
                    "required": [
                      "event"
                    ],
                    "anyOf": [
                      {
                        "required": [
                          "userId"
                        ]
                      },
                      {
                        "required": [
                          "anonymousId"
                        ]
                      }
                    ]
                  }
                ]
              },
              "SegmentPage": {
                "allOf": [
                  {
                    "$ref": "#/components/schemas/SegmentMessage"
                  },
                  {
                    "type": "object",
                    "anyOf": [
                      {
                        "required": [
                          "userId"
                        ]
                      },
                      {
                        "required": [
                          "anonymousId"
                        ]
                      }
                    ]
                  }
                ]
              },
              "SegmentScreen": {
                "allOf": [
                  {
                    "$ref": "#/components/schemas/SegmentMessage"
                  },
                  {
                    "type": "object",
                    "anyOf": [
                      {
                        "required": [
                          "userId"
                        ]
                      },
                      {
                        "required": [
                          "anonymousId"
                        ]
                      }
                    ]
                  }
                ]
              },
              "SegmentGroup": {
                "allOf": [
                  {
                    "$ref": "#/components/schemas/SegmentMessage"
                  },
                  {
                    "type": "object",
                    "required": [
                      "groupId"
                    ],
                    "anyOf": [
                      {
                        "required": [
                          "userId"
                        ]
                      },
                      {
                        "required": [
                          "anonymousId"
                        ]
                      }
                    ]
                  }
                ]
              },
              "SegmentAlias": {
                "allOf": [
                  {
                    "$ref": "#/components/schemas/SegmentMessage"
                  },
                  {
                    "type": "object",
                    "required": [
                      "userId",
                      "previousId"
                    ]
                  }
                ]
              }
            },
            "responses": {
              "AdminAssets200": {
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/AssetAnswer"
                    }
                  }
                },
                "description": "The asset."
              },
              "AdminAssets400": {
                "content": {
                  "application/json": {
                    "schema": {
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/Error"
                        },
                        {
                          "properties": {
                            "code": {
                              "enum": [
                                "invalid_asset_id"
                              ],
                              "type": "string"
                            }
                          },
                          "type": "object"
                        }
                      ]
                    }
                  }
                },
                "description": "The asset id is malformed."
              },
              "AdminAssets404": {
                "content": {
                  "application/json": {
                    "schema": {
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/Error"
                        },
                        {
                          "properties": {
                            "code": {
                              "enum": [
                                "asset_not_found"
                              ],
                              "type": "string"
                            }
                          },
                          "type": "object"
                        }
                      ]
                    }
                  }
                },
                "description": "This brand has no such asset."
              },
              "AdminBodyRefused": {
                "description": "The body is not a JSON object, or a field is wrong. `invalid_json`: not JSON (or nested deeper than 64); `body_not_object`; `missing_<field>` / `invalid_<field>`: a required field absent or empty, or a field of the wrong kind; `malformed_body`: the body's HTTP framing is broken.",
                "content": {
                  "application/json": {
                    "schema": {
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/Error"
                        },
                        {
                          "type": "object",
                          "properties": {
                            "code": {
                              "type": "string",
                              "enum": [
                                "invalid_json",
                                "body_not_object",
                                "malformed_body"
                              ]
                            }
                          }
                        }
                      ]
                    }
                  }
                }
              },
              "AdminBrands200": {
                "content": {
                  "application/json": {
                    "schema": {
                      "additionalProperties": true,
                      "properties": {
                        "brand": {
                          "$ref": "#/components/schemas/Brand"
                        },
                        "success": {
                          "const": true
                        }
                      },
                      "required": [
                        "success",
                        "brand"
                      ],
                      "type": "object"
                    }
                  }
                },
                "description": "The brand."
              },
              "AdminTooLarge": {
                "description": "The body is over 1 MB (the connection then closes).",
                "content": {
                  "application/json": {
                    "schema": {
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/Error"
                        },
                        {
                          "type": "object",
                          "properties": {
                            "code": {
                              "type": "string",
                              "enum": [
                                "request_too_large"
                              ]
                            }
                          }
                        }
                      ]
                    }
                  }
                }
              },
              "AdminUnauthorized": {
                "description": "No admin token, or not a live one.",
                "content": {
                  "application/json": {
                    "schema": {
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/Error"
                        },
                        {
                          "type": "object",
                          "properties": {
                            "code": {
                              "type": "string",
                              "enum": [
                                "missing_admin_token",
                                "invalid_admin_token"
                              ]
                            }
                          }
                        }
                      ]
                    }
                  }
                }
              },
              "InternalError": {
                "description": "Something failed inside Cairn; the details are in the server's log.",
                "content": {
                  "application/json": {
                    "schema": {
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/Error"
                        },
                        {
                          "type": "object",
                          "properties": {
                            "code": {
                              "type": "string",
                              "enum": [
                                "internal_error"
                              ]
                            }
                          }
                        }
                      ]
                    }
                  }
                }
              },
              "Salesmachine200": {
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/SalesmachineAccepted"
                    }
                  }
                },
                "description": "Taken.",
                "headers": {
                  "RateLimit": {
                    "$ref": "#/components/headers/RateLimit"
                  },
                  "RateLimit-Policy": {
                    "$ref": "#/components/headers/RateLimitPolicy"
                  }
                }
              },
              "Salesmachine401": {
                "content": {
                  "application/json": {
                    "schema": {
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/SalesmachineError"
                        },
                        {
                          "properties": {
                            "code": {
                              "enum": [
                                "invalid_api_token"
                              ],
                              "type": "string"
                            }
                          },
                          "type": "object"
                        }
                      ]
                    }
                  }
                },
                "description": "Not a live token."
              },
              "Salesmachine403": {
                "content": {
                  "application/json": {
                    "schema": {
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/SalesmachineError"
                        },
                        {
                          "properties": {
                            "code": {
                              "enum": [
                                "key_not_brand_scoped"
                              ],
                              "type": "string"
                            }
                          },
                          "type": "object"
                        }
                      ]
                    }
                  }
                },
                "description": "The token covers every brand of its account."
              },
              "Salesmachine406": {
                "content": {
                  "application/json": {
                    "schema": {
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/SalesmachineError"
                        },
                        {
                          "properties": {
                            "code": {
                              "enum": [
                                "not_json"
                              ],
                              "type": "string"
                            }
                          },
                          "type": "object"
                        }
                      ]
                    }
                  }
                },
                "description": "The body is not JSON (or does not decompress)."
              },
              "Salesmachine415": {
                "content": {
                  "application/json": {
                    "schema": {
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/SalesmachineError"
                        },
                        {
                          "properties": {
                            "code": {
                              "enum": [
                                "unsupported_content_encoding"
                              ],
                              "type": "string"
                            }
                          },
                          "type": "object"
                        }
                      ]
                    }
                  }
                },
                "description": "A Content-Encoding other than gzip, deflate or identity."
              },
              "Salesmachine429": {
                "content": {
                  "application/json": {
                    "schema": {
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/SalesmachineError"
                        },
                        {
                          "properties": {
                            "code": {
                              "enum": [
                                "rate_limit_exceeded"
                              ],
                              "type": "string"
                            }
                          },
                          "type": "object"
                        }
                      ]
                    }
                  }
                },
                "description": "The token's bucket is empty.",
                "headers": {
                  "RateLimit": {
                    "$ref": "#/components/headers/RateLimit"
                  },
                  "RateLimit-Policy": {
                    "$ref": "#/components/headers/RateLimitPolicy"
                  },
                  "Retry-After": {
                    "$ref": "#/components/headers/RetryAfter"
                  }
                }
              },
              "Salesmachine503": {
                "content": {
                  "application/json": {
                    "schema": {
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/SalesmachineError"
                        },
                        {
                          "properties": {
                            "code": {
                              "enum": [
                                "unavailable"
                              ],
                              "type": "string"
                            }
                          },
                          "type": "object"
                        }
                      ]
                    }
                  }
                },
                "description": "Nothing was stored; retry."
              },
              "Segment200": {
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/SegmentAccepted"
                    }
                  }
                },
                "description": "Taken (or a repeat of a messageId already taken).",
                "headers": {
                  "Access-Control-Allow-Origin": {
                    "$ref": "#/components/headers/AccessControlAllowOrigin"
                  },
                  "RateLimit": {
                    "$ref": "#/components/headers/RateLimit"
                  },
                  "RateLimit-Policy": {
                    "$ref": "#/components/headers/RateLimitPolicy"
                  }
                }
              },
              "Segment401": {
                "content": {
                  "application/json": {
                    "schema": {
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/Error"
                        },
                        {
                          "properties": {
                            "code": {
                              "enum": [
                                "missing_write_key",
                                "invalid_write_key"
                              ],
                              "type": "string"
                            }
                          },
                          "type": "object"
                        }
                      ]
                    }
                  }
                },
                "description": "No write key, or not a live token.",
                "headers": {
                  "Access-Control-Allow-Origin": {
                    "$ref": "#/components/headers/AccessControlAllowOrigin"
                  }
                }
              },
              "Segment403": {
                "content": {
                  "application/json": {
                    "schema": {
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/Error"
                        },
                        {
                          "properties": {
                            "code": {
                              "enum": [
                                "key_not_brand_scoped"
                              ],
                              "type": "string"
                            }
                          },
                          "type": "object"
                        }
                      ]
                    }
                  }
                },
                "description": "The token covers every brand of its account; a write key must be brand-scoped.",
                "headers": {
                  "Access-Control-Allow-Origin": {
                    "$ref": "#/components/headers/AccessControlAllowOrigin"
                  }
                }
              },
              "Segment415": {
                "content": {
                  "application/json": {
                    "schema": {
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/Error"
                        },
                        {
                          "properties": {
                            "code": {
                              "enum": [
                                "unsupported_content_encoding"
                              ],
                              "type": "string"
                            }
                          },
                          "type": "object"
                        }
                      ]
                    }
                  }
                },
                "description": "A Content-Encoding other than gzip, deflate or identity.",
                "headers": {
                  "Access-Control-Allow-Origin": {
                    "$ref": "#/components/headers/AccessControlAllowOrigin"
                  }
                }
              },
              "Segment429": {
                "content": {
                  "application/json": {
                    "schema": {
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/Error"
                        },
                        {
                          "properties": {
                            "code": {
                              "enum": [
                                "rate_limit_exceeded"
                              ],
                              "type": "string"
                            }
                          },
                          "type": "object"
                        }
                      ]
                    }
                  }
                },
                "description": "The token's bucket is empty.",
                "headers": {
                  "Access-Control-Allow-Origin": {
                    "$ref": "#/components/headers/AccessControlAllowOrigin"
                  },
                  "RateLimit": {
                    "$ref": "#/components/headers/RateLimit"
                  },
                  "RateLimit-Policy": {
                    "$ref": "#/components/headers/RateLimitPolicy"
                  },
                  "Retry-After": {
                    "$ref": "#/components/headers/RetryAfter"
                  }
                }
              },
              "Segment503": {
                "content": {
                  "application/json": {
                    "schema": {
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/Error"
                        },
                        {
                          "properties": {
                            "code": {
                              "enum": [
                                "unavailable"
                              ],
                              "type": "string"
                            }
                          },
                          "type": "object"
                        }
                      ]
                    }
                  }
                },
                "description": "Nothing was stored; retry.",
                "headers": {
                  "Access-Control-Allow-Origin": {
                    "$ref": "#/components/headers/AccessControlAllowOrigin"
                  }
                }
              },
              "SegmentAliasRefused": {
                "content": {
                  "application/json": {
                    "schema": {
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/Error"
                        },
                        {
                          "properties": {
                            "code": {
                              "enum": [
                                "invalid_json",
                                "json_too_deep",
                                "body_not_object",
                                "malformed_body",
                                "message_too_large",
                                "request_too_large",
                                "invalid_compressed_body",
                                "missing_user_id",
                                "missing_previous_id",
                                "invalid_field_type",
                                "invalid_timestamp",
                                "timestamp_in_future",
                                "invalid_character",
                                "value_too_long",
                                "blank_id"
                              ],
                              "type": "string"
                            }
                          },
                          "type": "object"
                        }
                      ]
                    }
                  }
                },
                "description": "The body or a message breaks the rules.",
                "headers": {
                  "Access-Control-Allow-Origin": {
                    "$ref": "#/components/headers/AccessControlAllowOrigin"
                  }
                }
              },
              "SegmentBatchRefused": {
                "content": {
                  "application/json": {
                    "schema": {
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/Error"
                        },
                        {
                          "properties": {
                            "code": {
                              "enum": [
                                "invalid_json",
                                "json_too_deep",
                                "body_not_object",
                                "malformed_body",
                                "message_too_large",
                                "request_too_large",
                                "invalid_compressed_body",
                                "missing_batch",
                                "empty_batch",
                                "batch_too_large",
                                "invalid_batch_items",
                                "invalid_field_type",
                                "invalid_timestamp",
                                "timestamp_in_future",
                                "invalid_character",
                                "value_too_long",
                                "blank_id"
                              ],
                              "type": "string"
                            }
                          },
                          "type": "object"
                        }
                      ]
                    }
                  }
                },
                "description": "The body or a message breaks the rules.",
                "headers": {
                  "Access-Control-Allow-Origin": {
                    "$ref": "#/components/headers/AccessControlAllowOrigin"
                  }
                }
              },
              "SegmentCallRefused": {
                "content": {
                  "application/json": {
                    "schema": {
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/Error"
                        },
                        {
                          "properties": {
                            "code": {
                              "enum": [
                                "invalid_json",
                                "json_too_deep",
                                "body_not_object",
                                "malformed_body",
                                "message_too_large",
                                "request_too_large",
                                "invalid_compressed_body",
                                "missing_user_or_anonymous_id",
                                "invalid_field_type",
                                "invalid_timestamp",
                                "timestamp_in_future",
                                "invalid_character",
                                "value_too_long",
                                "blank_id"
                              ],
                              "type": "string"
                            }
                          },
                          "type": "object"
                        }
                      ]
                    }
                  }
                },
                "description": "The body or a message breaks the rules.",
                "headers": {
                  "Access-Control-Allow-Origin": {
                    "$ref": "#/components/headers/AccessControlAllowOrigin"
                  }
                }
              },
              "SegmentGroupRefused": {
                "content": {
                  "application/json": {
                    "schema": {
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/Error"
                        },
                        {
                          "properties": {
                            "code": {
                              "enum": [
                                "invalid_json",
                                "json_too_deep",
                                "body_not_object",
                                "malformed_body",
                                "message_too_large",
                                "request_too_large",
                                "invalid_compressed_body",
                                "missing_user_or_anonymous_id",
                                "missing_group_id",
                                "invalid_field_type",
                                "invalid_timestamp",
                                "timestamp_in_future",
                                "invalid_character",
                                "value_too_long",
                                "blank_id"
                              ],
                              "type": "string"
                            }
                          },
                          "type": "object"
                        }
                      ]
                    }
                  }
                },
                "description": "The body or a message breaks the rules.",
                "headers": {
                  "Access-Control-Allow-Origin": {
                    "$ref": "#/components/headers/AccessControlAllowOrigin"
                  }
                }
              },
              "SegmentPreflight": {
                "description": "Any origin may POST.",
                "headers": {
                  "Access-Control-Allow-Headers": {
                    "description": "What the browser asked for, else `Content-Type, Authorization`.",
                    "required": true,
                    "schema": {
                      "type": "string"
                    }
                  },
                  "Access-Control-Allow-Methods": {
                    "required": true,
                    "schema": {
                      "const": "POST, OPTIONS"
                    }
                  },
                  "Access-Control-Allow-Origin": {
                    "$ref": "#/components/headers/AccessControlAllowOrigin"
                  },
                  "Access-Control-Max-Age": {
                    "required": true,
                    "schema": {
                      "const": "86400"
                    }
                  }
                }
              },
              "SegmentTrackRefused": {
                "content": {
                  "application/json": {
                    "schema": {
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/Error"
                        },
                        {
                          "properties": {
                            "code": {
                              "enum": [
                                "invalid_json",
                                "json_too_deep",
                                "body_not_object",
                                "malformed_body",
                                "message_too_large",
                                "request_too_large",
                                "invalid_compressed_body",
                                "missing_user_or_anonymous_id",
                                "missing_event",
                                "missing_asset_id",
                                "missing_journey_id",
                                "invalid_step_id",
                                "invalid_field_type",
                                "invalid_timestamp",
                                "timestamp_in_future",
                                "invalid_character",
                                "value_too_long",
                                "blank_id"
                              ],
                              "type": "string"
                            }
                          },
                          "type": "object"
                        }
                      ]
                    }
                  }
                },
                "description": "The body or a message breaks the rules.",
                "headers": {
                  "Access-Control-Allow-Origin": {
                    "$ref": "#/components/headers/AccessControlAllowOrigin"
                  }
                }
              },
              "Track200": {
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/TrackAccepted"
                    }
                  }
                },
                "description": "Stored durably.",
                "headers": {
                  "RateLimit": {
                    "$ref": "#/components/headers/RateLimit"
                  },
                  "RateLimit-Policy": {
                    "$ref": "#/components/headers/RateLimitPolicy"
                  }
                }
              },
              "Track413": {
                "content": {
                  "application/json": {
                    "schema": {
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/Error"
                        },
                        {
                          "properties": {
                            "code": {
                              "enum": [
                                "request_too_large"
                              ],
                              "type": "string"
                            }
                          },
                          "type": "object"
                        }
                      ]
                    }
                  }
                },
                "description": "The body is over the limit (6 MB, `--max-body-bytes`); the connection then closes.",
                "headers": {
                  "RateLimit": {
                    "$ref": "#/components/headers/RateLimit"
                  },
                  "RateLimit-Policy": {
                    "$ref": "#/components/headers/RateLimitPolicy"
                  }
                }
              },
              "Track415": {
                "content": {
                  "application/json": {
                    "schema": {
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/Error"
                        },
                        {
                          "properties": {
                            "code": {
                              "enum": [
                                "unsupported_media_type"
                              ],
                              "type": "string"
                            }
                          },
                          "type": "object"
                        }
                      ]
                    }
                  }
                },
                "description": "The content type is not application/json.",
                "headers": {
                  "RateLimit": {
                    "$ref": "#/components/headers/RateLimit"
                  },
                  "RateLimit-Policy": {
                    "$ref": "#/components/headers/RateLimitPolicy"
                  }
                }
              },
              "TrackForbidden": {
                "description": "No `auth-token`, or one that is not a live token covering this brand.",
                "content": {
                  "application/json": {
                    "schema": {
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/Error"
                        },
                        {
                          "type": "object",
                          "properties": {
                            "code": {
                              "type": "string",
                              "enum": [
                                "no_token_supplied",
                                "token_not_authorised"
                              ]
                            }
                          }
                        }
                      ]
                    }
                  }
                }
              },
              "TrackPageOrScreenRefused": {
                "content": {
                  "application/json": {
                    "schema": {
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/Error"
                        },
                        {
                          "properties": {
                            "code": {
                              "enum": [
                                "invalid_json",
                                "json_too_deep",
                                "body_not_object",
                                "malformed_body",
                                "missing_user_or_anonymous_id",
                                "event_mismatch",
                                "invalid_field_type",
                                "invalid_timestamp",
                                "timestamp_in_future",
                                "invalid_character",
                                "value_too_long",
                                "blank_id"
                              ],
                              "type": "string"
                            }
                          },
                          "type": "object"
                        }
                      ]
                    }
                  }
                },
                "description": "The body or a field breaks the rules.",
                "headers": {
                  "RateLimit": {
                    "$ref": "#/components/headers/RateLimit"
                  },
                  "RateLimit-Policy": {
                    "$ref": "#/components/headers/RateLimitPolicy"
                  }
                }
              },
              "TrackRateLimited": {
                "description": "The token's bucket is empty.",
                "content": {
                  "application/json": {
                    "schema": {
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/Error"
                        },
                        {
                          "type": "object",
                          "properties": {
                            "code": {
                              "type": "string",
                              "enum": [
                                "rate_limit_exceeded"
                              ]
                            }
                          }
                        }
                      ]
                    }
                  }
                },
                "headers": {
                  "RateLimit-Policy": {
                    "$ref": "#/components/headers/RateLimitPolicy"
                  },
                  "RateLimit": {
                    "$ref": "#/components/headers/RateLimit"
                  },
                  "Retry-After": {
                    "$ref": "#/components/headers/RetryAfter"
                  }
                }
              },
              "Unavailable": {
                "description": "The database could not be reached: nothing was accepted; retry.",
                "content": {
                  "application/json": {
                    "schema": {
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/Error"
                        },
                        {
                          "type": "object",
                          "properties": {
                            "code": {
                              "type": "string",
                              "enum": [
                                "unavailable"
                              ]
                            }
                          }
                        }
                      ]
                    }
                  }
                },
                "headers": {
                  "RateLimit-Policy": {
                    "$ref": "#/components/headers/RateLimitPolicy"
                  },
                  "RateLimit": {
                    "$ref": "#/components/headers/RateLimit"
                  }
                }
              }
            },
            "parameters": {
              "clientId": {
                "name": "clientId",
                "in": "path",
                "required": true,
                "description": "The client.",
                "schema": {
                  "type": "string",
                  "minLength": 1
                },
                "example": "hea"
              },
              "accountId": {
                "name": "accountId",
                "in": "path",
                "required": true,
                "description": "The account.",
                "schema": {
                  "type": "string",
                  "minLength": 1
                },
                "example": "hea"
              },
              "brandId": {
                "name": "brandId",
                "in": "path",
                "required": true,
                "description": "The brand.",
                "schema": {
                  "type": "string",
                  "minLength": 1
                },
                "example": "HEA"
              },
              "assetId": {
                "name": "assetId",
                "in": "path",
                "required": true,
                "description": "The asset's code: 1 to 128 letters, digits, `-`, `_`, `.` or `~` (not `.` or `..`); otherwise `400 invalid_asset_id`.",
                "schema": {
                  "type": "string",
                  "minLength": 1
                },
                "example": "202007-B-AbandonedBooking-SMS"
              }
            },
            "headers": {
              "RateLimitPolicy": {
                "description": "The token's budget: `\"token\";q=<burst>;w=<seconds to refill>`. Sent once a key is admitted.",
                "schema": {
                  "type": "string"
                }
              },
              "RateLimit": {
                "description": "What is left: `\"token\";r=<remaining>;t=<seconds>`. Sent once a key is admitted.",
                "schema": {
                  "type": "string"
                }
              },
              "RetryAfter": {
                "description": "Seconds to wait before retrying.",
                "required": true,
                "schema": {
                  "type": "string",
                  "pattern": "^[0-9]+$"
                }
              },
              "AccessControlAllowOrigin": {
                "description": "Any page may read every answer of the Segment routes.",
                "required": true,
                "schema": {
                  "const": "*"
                }
              },
              "Allow": {
                "description": "The methods the path takes.",
                "required": true,
                "schema": {
                  "type": "string"
                }
              }
            },
            "securitySchemes": {
              "AdminBearer": {
                "type": "http",
                "scheme": "bearer",
                "description": "An admin token (`cairn_admin_<16 hex>_<48 hex>`, `cairn admin-tokens create`). None: `401 missing_admin_token`; unknown, revoked or malformed: `401 invalid_admin_token`."
              },
              "TrackToken": {
                "type": "apiKey",
                "in": "header",
                "name": "auth-token",
                "description": "An API token (`cairn_<16 hex>_<48 hex>`, `cairn tokens create`) covering the brand in the path. None: `403 no_token_supplied`; unknown, revoked, malformed or out of scope: `403 token_not_authorised`."
              },
              "WriteKeyBasic": {
                "type": "http",
                "scheme": "basic",
                "description": "A brand-scoped API token as the user name of HTTP Basic auth (Segment: empty password; Salesmachine: any password). Segment routes also take `writeKey` in the body when the header has no key."
              },
              "ApiTokenQuery": {
                "type": "apiKey",
                "in": "query",
                "name": "api_token",
                "description": "Salesmachine's key: a brand-scoped API token in the query string (`+` reads as a space)."
              },
              "MetricsBearer": {
                "type": "http",
                "scheme": "bearer",
                "description": "Only when the server has `--metrics-token`: that token."
              }
            }
          }
        }
        """#
}
